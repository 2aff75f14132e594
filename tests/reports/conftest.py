"""A month of cases with known outcomes, built through the case services at pinned times.

NOW is Monday 23 Nov 2026, 10:00 PT. Expected figures (range 2026-10-01..2026-11-23):

| case | who | level · sev | what happens | outcome | response wall / business |
|---|---|---|---|---|---|
| sig_met | carol | Signature 3 (2 h) | reply after 30 min | met | 30 / 30 |
| sig_breached | carol | Signature 3 | reply after 3 h | breached by 60 | 180 / 180 |
| sig_overdue | carol | Signature 3 | received 150 min before NOW | overdue | – |
| sig_pending | carol | Signature 3 | received 30 min before NOW | pending | – |
| sig_declined | carol | Signature 3 | asked for Sev 2, declined; reply after 60 min | met | 60 / 60 |
| std_re | bob | Standard 3 | reasonable efforts; reply after 2 h | no target | 120 |
| std_breached | bob | Standard 2 | raised Thu 16:00 (due Mon 16:00), reply Mon 17:30 | breached by 90 / 60 | 5850 / 1020 |
| std_overdue | bob | Standard 1 | raised over the quota (override), due Tue 17 Nov 09:00 | overdue | – |
| std_excluded | bob | Standard 4 | e-mail, closed as out of scope (d) | no target | – |
| pre_lowered | alice | Premium 4 | lowered 3 -> 4 before any reply (October) | no target | – |
| pre_met | alice | Premium 3 (1 bd) | reply after 6 h (October) | met | 360 / 360 |
| pre_confirmed | alice | Premium 1 (1 h) | asked for Sev 1, confirmed after 10 min, reply at 40 min | met | 40 / 40 |

Quota (globex, year 2026-01-01..2026-12-31): std_breached's charge, nine more charges, one refund,
one charge after it, then std_overdue's override: 11 of 10 used, 11 charges, 1 refund, 1 override.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from casedesk.cases import services as cs
from casedesk.customers import services as customers
from casedesk.lib import clock
from tests.cases.helpers import pt

NOW = pt(2026, 11, 23, 10, 0)
FROM, TO = dt.date(2026, 10, 1), dt.date(2026, 11, 23)
RANGE = "from=2026-10-01&to=2026-11-23"
OVERRIDE_REASON = "Launch day: the customer's release ships tonight."
REFUND_REASON = "Not a production outage after all."


def at(when: dt.datetime, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    with clock.pinned(when):
        return fn(*args, **kwargs)


def opened(contact: Any, when: dt.datetime, *, channel: str = "web", **kw: Any) -> Any:
    return at(
        when, cs.open_case, contact, channel=channel, subject="Report me", received_at=when, **kw
    )


def reply(agent: Any, case: Any, when: dt.datetime) -> None:
    at(when, cs.respond, agent, case, "Looking at it.", at=when)


def build_month(w: Any) -> dict[str, Any]:
    agent, m = w.agent, dt.timedelta(minutes=1)
    c: dict[str, Any] = {}
    # Signature: 24x7, Sev 3 = 2 hours elapsed.
    c["sig_met"] = opened(w.carol, pt(2026, 11, 2, 9, 0))
    reply(agent, c["sig_met"], pt(2026, 11, 2, 9, 30))
    c["sig_breached"] = opened(w.carol, pt(2026, 11, 3, 9, 0))
    reply(agent, c["sig_breached"], pt(2026, 11, 3, 12, 0))
    c["sig_overdue"] = opened(w.carol, NOW - 150 * m)
    c["sig_pending"] = opened(w.carol, NOW - 30 * m)
    c["sig_declined"] = opened(w.carol, pt(2026, 11, 12, 9, 0), requested_severity=2)
    at(
        pt(2026, 11, 12, 9, 5),
        cs.decline_severity_request,
        agent,
        c["sig_declined"],
        "No production impact.",
    )
    reply(agent, c["sig_declined"], pt(2026, 11, 12, 10, 0))
    # Standard: business hours; Sev 3/4 reasonable efforts, Sev 2 = 2 business days.
    c["std_re"] = opened(w.bob, pt(2026, 11, 4, 10, 0))
    reply(agent, c["std_re"], pt(2026, 11, 4, 12, 0))
    c["std_breached"] = opened(w.bob, pt(2026, 11, 5, 16, 0))
    at(
        pt(2026, 11, 5, 16, 0),
        cs.change_severity,
        agent,
        c["std_breached"],
        2,
        "Cluster degraded.",
        at=pt(2026, 11, 5, 16, 0),
    )
    reply(agent, c["std_breached"], pt(2026, 11, 9, 17, 30))
    _fill_quota(w)
    c["std_overdue"] = opened(w.bob, pt(2026, 11, 16, 9, 0))
    at(
        pt(2026, 11, 16, 9, 0),
        cs.change_severity,
        agent,
        c["std_overdue"],
        1,
        "Production down.",
        override_quota_reason=OVERRIDE_REASON,
        at=pt(2026, 11, 16, 9, 0),
    )
    c["std_excluded"] = opened(w.bob, pt(2026, 11, 13, 9, 0), channel="email")
    at(pt(2026, 11, 13, 11, 0), cs.close_excluded, agent, c["std_excluded"], "d")
    # Premium: 24x7; Sev 3 = 1 business day, Sev 1 = 1 hour, Sev 4 reasonable efforts.
    c["pre_lowered"] = opened(w.alice, pt(2026, 10, 13, 9, 0))
    at(
        pt(2026, 10, 13, 9, 30),
        cs.change_severity,
        agent,
        c["pre_lowered"],
        4,
        "A question, not a fault.",
        at=pt(2026, 10, 13, 9, 30),
    )
    c["pre_met"] = opened(w.alice, pt(2026, 10, 13, 10, 0))
    reply(agent, c["pre_met"], pt(2026, 10, 13, 16, 0))
    c["pre_confirmed"] = opened(w.alice, pt(2026, 11, 10, 8, 0), requested_severity=1)
    at(
        pt(2026, 11, 10, 8, 10),
        cs.confirm_severity_request,
        agent,
        c["pre_confirmed"],
        at=pt(2026, 11, 10, 8, 10),
    )
    reply(agent, c["pre_confirmed"], pt(2026, 11, 10, 8, 40))
    return c


def _fill_quota(w: Any) -> None:
    """Nine more charges (10 of 10 with std_breached), one refund, one charge after it."""
    for n in range(1, 10):
        when = pt(2026, 3, n, 12, 0)
        at(when, customers.charge_incident, w.agent, w.globex_sub, case_ref=f"OLD-{n}", at=when)
    when = pt(2026, 4, 1, 12, 0)
    at(
        when,
        customers.refund_incident,
        w.agent,
        w.globex_sub,
        case_ref="OLD-1",
        at=when,
        reason=REFUND_REASON,
    )
    when = pt(2026, 4, 2, 12, 0)
    at(when, customers.charge_incident, w.agent, w.globex_sub, case_ref="OLD-10", at=when)


@pytest.fixture
def month(world: Any) -> dict[str, Any]:
    return build_month(world)


@pytest.fixture
def now() -> Iterator[dt.datetime]:
    with clock.pinned(NOW):
        yield NOW


@pytest.fixture
def manager_client(client: Any, world: Any, now: dt.datetime) -> Any:
    client.force_login(world.manager)
    return client
