"""Seed data for `casedesk demo`: a year of plausible support history, made through the services.

Everything is written by the same services the portal, console and mail use, with the clock
pinned to each moment, so the demo's deadlines, breaches and quota use are real computations.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model

from casedesk.cases import services as cs
from casedesk.cases.models import Case, SeverityRequest
from casedesk.customers import services as customers
from casedesk.customers.roles import ensure_groups
from casedesk.lib import clock

from .demo_after import seed_after
from .demo_desk import seed_follower, seed_macros
from .demo_effort import seed_effort
from .demo_groups import seed_groups

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from casedesk.customers.models import Customer, Release, Subscription, SupportContact

DEMO_PASSWORD = "demo-casedesk"  # noqa: S105 - printed for the demo, never used in production
CASES = 300
SUBJECTS = [
    "Scheduler stops placing tasks after upgrade",
    "Marathon app stuck in deploying",
    "Certificate rotation failed on master nodes",
    "How do I configure log retention?",
    "Agent nodes flapping between healthy and unhealthy",
    "Question about backup of ZooKeeper state",
    "UI shows 502 after load balancer change",
    "Request: add metrics for queue depth",
    "Cluster down after power outage",
    "Documentation error in the install guide",
    "Kafka brokers lose leadership every hour",
    "Slow DNS resolution inside containers",
    "Upgrade path from 1.10 to 2.2",
    "Disk pressure on agents despite free space",
    "Payments service unreachable in production",
]
EXCLUDED = ["c", "iii", "v", "vi", "i", "d"]


@dataclass
class Org:
    customer: Customer
    subscription: Subscription
    contacts: list[SupportContact]


def _user(username: str, first: str, last: str, **extra: object) -> User:
    return get_user_model().objects.create_user(
        username,
        f"{username}@example.com",
        DEMO_PASSWORD,
        first_name=first,
        last_name=last,
        **extra,
    )


def _orgs(manager: User, today: dt.date, at: dt.datetime) -> dict[str, Org]:
    plans = {
        "signature": ("Initech", "initech", 2400, [("carol", "Carol", "Clark", "Europe/Berlin")]),
        "premium": (
            "Acme Corp",
            "acme",
            350,
            [
                ("alice", "Alice", "Adams", "America/New_York"),
                ("ahmed", "Ahmed", "Ali", "America/Chicago"),
            ],
        ),
        "standard": ("Globex", "globex", 40, [("bob", "Bob", "Brown", "America/Los_Angeles")]),
    }
    orgs = {}
    for level, (name, slug, nodes, people) in plans.items():
        customer = customers.create_customer(manager, name=name, slug=slug, at=at)
        sub = customers.create_subscription(
            manager,
            customer,
            level=level,
            nodes=nodes,
            starts_on=today - dt.timedelta(days=500),
            ends_on=today + dt.timedelta(days=595),
            project_description=f"{name} runs its order and payment platform on DC/OS in two data centres.",
            at=at,
        )
        contacts = [
            customers.add_contact(
                manager,
                customer,
                name=f"{first} {last}",
                email=f"{u}@{slug}.example",
                time_zone=tz,
                at=at,
                user=_user(u, first, last),
            )
            for u, first, last, tz in people
        ]
        orgs[level] = Org(customer, sub, contacts)
    return orgs


def _releases(manager: User, today: dt.date) -> list[Release]:
    add = customers.add_release
    return [
        add(manager, product="DC/OS", version="2.2.3", ga_on=today - dt.timedelta(days=120)),
        add(manager, product="DC/OS", version="2.1.5", ga_on=today - dt.timedelta(days=400)),
        add(
            manager,
            product="DC/OS",
            version="1.13.9",
            ga_on=today - dt.timedelta(days=1100),
            end_of_support_on=today - dt.timedelta(days=200),
        ),
        add(
            manager,
            product="DC/OS",
            version="2.3.0-rc2",
            ga_on=today - dt.timedelta(days=20),
            production=False,
        ),
        add(manager, product="Marathon", version="1.12.1", ga_on=today - dt.timedelta(days=200)),
    ]


def seed(
    progress: Callable[[str], object] = print, cases: int = CASES, seed: int = 2026
) -> list[tuple[str, str, str]]:
    """Create the demo world; return (role, username, password) for each login."""
    rng = random.Random(seed)
    now = clock.now()
    start = now - dt.timedelta(days=365)
    agents_group, managers_group = ensure_groups()
    manager = _user("manager", "Maria", "Manager", is_staff=True, is_superuser=True)
    manager.groups.add(managers_group)
    agents = []
    for username, first, last in (("ana", "Ana", "Engineer"), ("raj", "Raj", "Engineer")):
        agent = _user(username, first, last)
        agent.groups.add(agents_group)
        agents.append(agent)
    orgs = _orgs(manager, now.date(), start - dt.timedelta(days=1))
    releases = _releases(manager, now.date())
    progress("  customers, contacts, engineers and the release catalog created")
    history = _History(rng, agents, orgs, releases, now)
    for n in range(cases):
        history.one_case(
            start + (now - start) * (n / cases) + dt.timedelta(minutes=rng.randint(0, 600))
        )
        if (n + 1) % 50 == 0:
            progress(f"  {n + 1} of {cases} cases")
    _live(history, now)
    seed_effort({k: o.contacts[-1] for k, o in orgs.items()}, agents, now)  # quiet cases
    progress("  today's open cases and a held message from an unknown sender")
    contacts = [c for org in orgs.values() for c in org.contacts]
    after_logins = seed_after(manager, agents, contacts, now)  # issue 16: after the first reply
    seed_macros(manager, agents)  # issue 18: canned replies
    seed_follower(manager)
    seed_groups(manager, agents, [o.contacts[0] for o in orgs.values()], now)  # issue 18
    logins = [("Support manager (and admin)", "manager", DEMO_PASSWORD)]
    logins += [("Support engineer", a.username, DEMO_PASSWORD) for a in agents]
    for level, org in orgs.items():
        for contact in org.contacts:
            assert contact.user is not None  # every demo contact has a login
            logins.append(
                (f"Contact, {org.customer.name} ({level})", contact.user.username, DEMO_PASSWORD)
            )
    return logins + after_logins


class _History:
    def __init__(
        self,
        rng: random.Random,
        agents: list[User],
        orgs: dict[str, Org],
        releases: list[Release],
        now: dt.datetime,
    ) -> None:
        self.rng, self.agents, self.orgs, self.releases, self.now = rng, agents, orgs, releases, now

    def _at(self, t: dt.datetime) -> dt.datetime | None:
        return t if t < self.now else None

    def one_case(self, received: dt.datetime) -> None:
        rng = self.rng
        if received >= self.now - dt.timedelta(hours=6):
            return  # the last hours are seeded by _live, so the queue shows a real morning
        level = rng.choices(["signature", "premium", "standard"], [3, 4, 3])[0]
        org = self.orgs[level]
        release = rng.choice(self.releases + [None])
        channel = rng.choices(["web", "email"], [7, 3])[0]
        case = cs.open_case(
            rng.choice(org.contacts),
            channel=channel,
            subject=rng.choice(SUBJECTS),
            description="Observed in production since this morning. Logs attached on request.",
            requested_severity=rng.choices([1, 2, 3, 4, None], [1, 2, 4, 3, 1])[0],
            product=release.product if release else "",
            version=release.version if release else "",
            received_at=received,
        )
        agent = rng.choice(self.agents)
        t = received + dt.timedelta(minutes=rng.randint(3, 40))
        if not self._at(t):
            return
        with clock.pinned(t):
            case = cs.assign(agent, case, agent)
        case = self._triage(agent, case, t)
        self._respond(agent, case, t)
        self._finish(agent, case)

    def _triage(self, agent: User, case: Case, t: dt.datetime) -> Case:
        rng = self.rng
        if case.severity_request == SeverityRequest.PENDING:
            quota = (
                customers.quota_status(case.subscription, t) if case.level == "standard" else None
            )
            if rng.random() < 0.8 and (
                quota is None or quota.limit is None or quota.used < quota.limit - 2
            ):
                case = cs.confirm_severity_request(
                    agent, case, "Confirmed: production impact described.", at=t
                )
                return self._maybe_lower(agent, case, t)
            return cs.decline_severity_request(
                agent, case, "No production impact described; keeping the channel severity.", at=t
            )
        if rng.random() < 0.12 and case.severity < 4:
            return cs.change_severity(agent, case, 4, "General usage question, no impact.", at=t)
        return case

    def _maybe_lower(self, agent: User, case: Case, t: dt.datetime) -> Case:
        """Some confirmed Severity 1 cases are lowered to 2 before the first reply, so the demo
        shows DESIGN.md §1's rule: judged Severity 2 from the raise, not from receipt."""
        later = t + dt.timedelta(minutes=self.rng.randint(10, 40))
        if case.severity != 1 or self.rng.random() >= 0.35 or not self._at(later):
            return case
        reason = "Workaround restored service; degraded, no longer down."
        return cs.change_severity(agent, case, 2, reason, at=later)

    def _respond(self, agent: User, case: Case, triaged: dt.datetime) -> None:
        rng = self.rng
        case.refresh_from_db()
        deadline = case.response_deadline
        if deadline is None:
            at = triaged + dt.timedelta(hours=rng.uniform(1, 48))
        elif rng.random() < 0.14:
            at = deadline + dt.timedelta(minutes=rng.randint(5, 300))  # a breach
        else:
            at = triaged + (deadline - triaged) * rng.uniform(0.05, 0.9)
        at = max(at, triaged, case.updated_at) + dt.timedelta(minutes=1)
        if self._at(at):
            cs.respond(
                agent,
                case,
                "Thanks for the details. We are looking into it; first findings below.",
                at=at,
            )

    def _finish(self, agent: User, case: Case) -> None:
        rng = self.rng
        case.refresh_from_db()
        if case.first_response_at is None:
            return
        at = case.first_response_at + dt.timedelta(hours=rng.uniform(2, 120))
        if not self._at(at):
            return
        if rng.random() < 0.08:
            cs.close_excluded(
                agent, case, rng.choice(EXCLUDED), reason="Outside the support terms.", at=at
            )
        else:
            cs.set_status(agent, case, "resolved", reason="Fixed by configuration change.", at=at)
            later = at + dt.timedelta(days=3)
            if self._at(later):
                cs.close(agent, case, reason="No reply for three days.", at=later)


LIVE = [
    # (level, minutes ago, channel, requested severity, confirm it?, subject)
    ("premium", 9, "web", 1, False, "Payments service unreachable in production"),
    ("signature", 35, "web", 2, True, "Kafka brokers lose leadership every hour"),
    ("signature", 70, "web", 1, True, "Cluster down after power outage"),
    ("premium", 50, "web", 2, True, "Agent nodes flapping between healthy and unhealthy"),
    ("standard", 120, "web", 2, False, "Certificate rotation failed on master nodes"),
    ("premium", 200, "email", None, False, "How do I configure log retention?"),
    ("standard", 300, "web", 3, False, "Disk pressure on agents despite free space"),
    ("premium", 330, "web", 3, False, "UI shows 502 after load balancer change"),
]


def _live(history: _History, now: dt.datetime) -> None:
    """Open cases received in the last hours: a Severity 1 request awaiting confirmation,
    confirmed ones counting down, unanswered ones, and one mail from an unknown sender."""
    for level, minutes, channel, requested, confirm, subject in LIVE:
        received = now - dt.timedelta(minutes=minutes)
        org = history.orgs[level]
        case = cs.open_case(
            org.contacts[0],
            channel=channel,
            subject=subject,
            description="Started a few minutes ago; production traffic is affected.",
            requested_severity=requested,
            received_at=received,
        )
        if confirm:
            cs.confirm_severity_request(
                history.agents[0],
                case,
                "Production impact confirmed.",
                at=received + dt.timedelta(minutes=4),
            )
    _unknown_sender_mail(now)


def _unknown_sender_mail(now: dt.datetime) -> None:
    try:
        from casedesk.mail.intake import accept
    except ImportError:  # mail intake not installed
        return
    raw = (
        "From: Dana Doe <dana@newcorp.example>\r\nTo: support@support.casedesk.localhost\r\n"
        "Subject: Sev 1 - our cluster is down, please help\r\n"
        f"Message-ID: <demo-{now.timestamp():.0f}@newcorp.example>\r\n\r\n"
        "Hi, we bought support last week. Everything is down. Dana\r\n"
    ).encode()
    with clock.pinned(now - dt.timedelta(minutes=25)):
        accept(
            raw,
            envelope_from="dana@newcorp.example",
            recipients=["support@support.casedesk.localhost"],
        )
