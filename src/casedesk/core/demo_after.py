"""The demo's life after the first response (issue 16): kinds and environments, requests for
information answered or not, resolutions of every kind, a fix scheduled for an upcoming release,
and a customer whose terms turn reminders on (`[waiting]`), with reminders already sent.

Made through the services with the clock pinned, like the rest of `demo_data`.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model

from casedesk.cases import services as cs
from casedesk.cases.models import Case, CaseKind, Environment, Resolution
from casedesk.cases.services.resolve import CHOICES
from casedesk.customers import services as customers
from casedesk.lib import clock
from casedesk.terms.document import default_terms_text

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from casedesk.customers.models import Release, SupportContact

PASSWORD = "demo-casedesk"  # noqa: S105 - the demo's printed password (demo_data.DEMO_PASSWORD)
PER_KIND = 8  # historic cases resolved each way an engineer can choose
KINDS = [c.value for c in CaseKind if c != CaseKind.UNKNOWN]
WAITING_TERMS = """
# The demo's Umbrella subscription: casedesk's reminders and automatic resolution turned on.
[waiting]
remind_after_business_days = 3
max_reminders = 2
resolve_after_business_days = 10
"""


def seed_after(
    manager: User, agents: list[User], contacts: list[SupportContact], now: dt.datetime
) -> list[tuple[str, str, str]]:
    """Add issue 16's history; returns the extra logins (role, username, password)."""
    rng = random.Random(16)
    upcoming = customers.add_release(
        manager, product="DC/OS", version="2.4.0", ga_on=now.date() + dt.timedelta(days=21)
    )
    shipped = customers.add_release(
        manager, product="DC/OS", version="2.2.4", ga_on=now.date() - dt.timedelta(days=60)
    )
    life = _Life(rng, agents, now, shipped)
    start = now - dt.timedelta(days=330)
    hows = [c.value for c in CHOICES] * PER_KIND
    for n, how in enumerate(hows):
        received = start + (now - dt.timedelta(days=5) - start) * (n / len(hows))
        life.case(rng.choice(contacts), received, how)
    # Fixes scheduled for 2.2.4 before it shipped were resolved on its GA day, as the worker does.
    ga_day = dt.datetime.combine(shipped.ga_on, dt.time(18), dt.UTC)
    with clock.pinned(ga_day):
        cs.resolve_released(ga_day)
    for contact in contacts[:2]:  # a Severity 3 bug fixed in time for an upcoming release
        life.scheduled(contact, now - dt.timedelta(days=3), upcoming)
    dana = _waiting_customer(manager, now)
    for days in (4, 8, 13):
        life.waiting(dana, now - dt.timedelta(days=days))
    assert dana.user is not None
    return [("Contact, Umbrella (premium, reminders on)", dana.user.username, PASSWORD)]


def _waiting_customer(manager: User, now: dt.datetime) -> SupportContact:
    text = default_terms_text().replace('version = "2026-01"', 'version = "2026-01-reminders"')
    version = customers.terms_version_for(text + WAITING_TERMS)
    at = now - dt.timedelta(days=40)
    org = customers.create_customer(manager, name="Umbrella", slug="umbrella", at=at)
    customers.create_subscription(
        manager,
        org,
        level="premium",
        nodes=60,
        starts_on=now.date() - dt.timedelta(days=30),
        ends_on=now.date() + dt.timedelta(days=335),
        project_description="Umbrella's research data pipeline on DC/OS.",
        at=at,
        terms_version=version,
    )
    user = get_user_model().objects.create_user(
        "dana", "dana@umbrella.example", PASSWORD, first_name="Dana", last_name="Doe"
    )
    return customers.add_contact(
        manager, org, name="Dana Doe", email="dana@umbrella.example", at=at, user=user
    )


class _Life:
    def __init__(
        self, rng: random.Random, agents: list[User], now: dt.datetime, shipped: Release
    ) -> None:
        self.rng, self.agents, self.now, self.shipped = rng, agents, now, shipped
        self.by_customer: dict[int, Case] = {}

    def _open(self, contact: SupportContact, received: dt.datetime, **extra: Any) -> Case:
        rng = self.rng
        with clock.pinned(received):
            return cs.open_case(
                contact,
                channel="web",
                subject=extra.pop("subject", "Jobs fail intermittently after the upgrade"),
                description="Seen on several agents; logs available.",
                kind=extra.pop("kind", rng.choice(KINDS)),
                environment=rng.choices(
                    [Environment.PRODUCTION, Environment.NON_PRODUCTION], [3, 1]
                )[0],
                received_at=received,
            )

    def _work(self, case: Case, received: dt.datetime) -> tuple[User, dt.datetime]:
        """First reply, and half the time a request for logs the customer answers (or not)."""
        rng, agent = self.rng, self.rng.choice(self.agents)
        t = received + dt.timedelta(minutes=rng.randint(20, 90))
        cs.respond(agent, case, "Thanks, we are looking into it.", at=t)
        if rng.random() < 0.5:
            t += dt.timedelta(hours=rng.uniform(1, 6))
            cs.ask_customer(agent, case, "The agent logs\nThe output of `dcos node`", at=t)
            t += dt.timedelta(hours=rng.uniform(2, 40))
            cs.customer_reply(case.contact, case, body="Attached.", received_at=t)
        return agent, t + dt.timedelta(hours=rng.uniform(1, 72))

    def case(self, contact: SupportContact, received: dt.datetime, how: str) -> None:
        case = self._open(contact, received)
        agent, t = self._work(case, received)
        extra: dict[str, Any] = {}
        if how == Resolution.DUPLICATE:
            original = self.by_customer.get(case.customer_id)
            if original is None:
                how = Resolution.ANSWERED
            else:
                extra["duplicate_of"] = original.tracking_number
        elif how == Resolution.PATCH_DELIVERED:
            how, extra = self._patch(agent, case, t)
        elif how == Resolution.FIXED_IN_RELEASE:
            extra["release"] = self.shipped
        elif how == Resolution.EXCLUDED:
            extra["code"] = self.rng.choice(["iii", "vi", "c"])
        with clock.pinned(t):
            cs.resolve(agent, case, how, note="Thanks for your patience.", **extra)
        self.by_customer.setdefault(case.customer_id, case)

    def _patch(self, agent: User, case: Case, t: dt.datetime) -> tuple[str, dict[str, Any]]:
        if customers.patch_refusal(case.subscription):
            return Resolution.WORKAROUND, {}
        with clock.pinned(t - dt.timedelta(minutes=30)):
            patch = cs.request_patch(agent, case, "Hotfix for the scheduler crash")
        cs.deliver_patch(
            agent, patch, "2.2.3-hotfix1 on the portal", at=t - dt.timedelta(minutes=5)
        )
        return Resolution.PATCH_DELIVERED, {"patch": patch}

    def scheduled(self, contact: SupportContact, received: dt.datetime, release: Release) -> None:
        case = self._open(
            contact, received, kind=CaseKind.BUG_FIX, subject="Metrics endpoint returns 500"
        )
        agent, t = self._work(case, received)
        with clock.pinned(min(t, self.now - dt.timedelta(hours=1))):
            cs.resolve(agent, case, Resolution.FIXED_IN_RELEASE, release=release)

    def waiting(self, contact: SupportContact, received: dt.datetime) -> None:
        """Waiting on the customer since `received`; the reminders due since are sent."""
        case = self._open(contact, received, kind=CaseKind.PROBLEM, subject="Pipeline stalls")
        agent = self.rng.choice(self.agents)
        cs.respond(agent, case, "Looking into it.", at=received + dt.timedelta(minutes=30))
        cs.ask_customer(agent, case, "The pipeline's logs", at=received + dt.timedelta(hours=1))
        day = received + dt.timedelta(days=1)
        while day < self.now:
            with clock.pinned(day):
                cs.remind_due(day)  # the worker's passes over those days
            day += dt.timedelta(days=1)
