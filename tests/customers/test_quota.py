"""The incident quota ledger: Standard's 10 Sev 1/2 incidents per subscription year."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from casedesk.customers import services
from casedesk.customers.models import QuotaEntry
from casedesk.customers.services import EntitlementError, QuotaExceeded
from tests.customers.helpers import AT, customer_with

PT = ZoneInfo("America/Los_Angeles")
EXHAUSTED = (
    "Globex's Standard subscription has used its Severity 1/2 incidents: 10 of 10 used until "
    "2027-01-01; a support engineer can override with a reason."
)


def charge_n(world, n, at=AT, prefix="CASE-"):
    return [
        services.charge_incident(world.agent, world.globex_sub, case_ref=f"{prefix}{i}", at=at)
        for i in range(1, n + 1)
    ]


def test_the_tenth_incident_is_charged_and_the_eleventh_refused(world):
    charge_n(world, 9)
    status = services.quota_status(world.globex_sub, AT)
    assert (status.used, status.limit, status.exhausted) == (9, 10, False)
    tenth = services.charge_incident(world.agent, world.globex_sub, case_ref="CASE-10", at=AT)
    assert tenth.kind == QuotaEntry.Kind.CHARGE and tenth.year_start == dt.date(2026, 1, 1)
    status = services.quota_status(world.globex_sub, AT)
    assert status.text == "10 of 10 used until 2027-01-01"
    assert status.exhausted and status.year_end == dt.date(2026, 12, 31)
    with pytest.raises(QuotaExceeded) as exc:
        services.charge_incident(world.agent, world.globex_sub, case_ref="CASE-11", at=AT)
    assert exc.value.message == EXHAUSTED
    assert exc.value.status.used == 10
    assert QuotaEntry.objects.count() == 10


def test_a_case_is_charged_once_a_year(world):
    first = services.charge_incident(world.agent, world.globex_sub, case_ref="CASE-1", at=AT)
    assert first is not None
    assert services.charge_incident(world.agent, world.globex_sub, case_ref="CASE-1", at=AT) is None
    assert QuotaEntry.objects.count() == 1
    assert services.quota_status(world.globex_sub, AT).used == 1


def test_an_agent_overrides_an_exhausted_quota_with_a_reason(world):
    charge_n(world, 10)
    entry = services.charge_incident(
        world.agent,
        world.globex_sub,
        case_ref="CASE-11",
        at=AT,
        override_reason="Outage caused by our release",
    )
    assert (entry.kind, entry.reason, entry.actor) == (
        "override",
        "Outage caused by our release",
        world.agent,
    )
    assert services.quota_status(world.globex_sub, AT).text == "11 of 10 used until 2027-01-01"


def test_only_agents_override_the_quota(world):
    charge_n(world, 10)
    with pytest.raises(EntitlementError) as exc:
        services.charge_incident(
            world.bob.user, world.globex_sub, case_ref="CASE-11", at=AT, override_reason="please"
        )
    assert exc.value.message == (
        "Only support engineers can override the incident quota; ask a support engineer."
    )
    with pytest.raises(QuotaExceeded):  # a blank reason is no override
        services.charge_incident(
            world.agent, world.globex_sub, case_ref="CASE-11", at=AT, override_reason="  "
        )


def test_a_refund_gives_the_incident_back(world):
    charge_n(world, 10)
    refund = services.refund_incident(
        world.agent, world.globex_sub, case_ref="CASE-3", at=AT, reason="Was a Sev 3"
    )
    assert (refund.kind, refund.reason, refund.occurrence) == ("refund", "Was a Sev 3", 1)
    assert services.quota_status(world.globex_sub, AT).text == "9 of 10 used until 2027-01-01"
    assert services.charge_incident(world.agent, world.globex_sub, case_ref="CASE-11", at=AT)
    # Raised to Sev 1 again later: charged again (the second occurrence).
    services.refund_incident(
        world.agent, world.globex_sub, case_ref="CASE-11", at=AT, reason="duplicate"
    )
    again = services.charge_incident(world.agent, world.globex_sub, case_ref="CASE-3", at=AT)
    assert again.occurrence == 2


def test_a_refund_needs_a_charge_and_a_reason(world):
    with pytest.raises(EntitlementError) as exc:
        services.refund_incident(
            world.agent, world.globex_sub, case_ref="CASE-9", at=AT, reason="x"
        )
    assert exc.value.message == (
        "CASE-9 holds no incident charge on Globex's Standard subscription, so there is nothing "
        "to refund."
    )
    charge_n(world, 1)
    with pytest.raises(EntitlementError) as exc:
        services.refund_incident(world.agent, world.globex_sub, case_ref="CASE-1", at=AT, reason="")
    assert exc.value.message == "A refund needs a reason; say why the incident is given back."
    with pytest.raises(EntitlementError) as exc:
        services.refund_incident(
            world.bob.user, world.globex_sub, case_ref="CASE-1", at=AT, reason="mine"
        )
    assert exc.value.message == (
        "Only support engineers can refund incidents; ask a support engineer."
    )


def test_the_last_day_of_a_subscription_year_and_the_next(world):
    last_day = dt.datetime(2026, 12, 31, 23, 59, tzinfo=PT)  # 2027-01-01 07:59 UTC
    charge_n(world, 10, at=last_day)
    assert services.quota_status(world.globex_sub, last_day).exhausted
    with pytest.raises(QuotaExceeded):
        charge_n(world, 1, at=last_day, prefix="LATE-")
    next_day = dt.datetime(2027, 1, 1, 0, 0, tzinfo=PT)
    status = services.quota_status(world.globex_sub, next_day)
    assert (status.used, status.year_start, status.text) == (
        0,
        dt.date(2027, 1, 1),
        "0 of 10 used until 2028-01-01",
    )
    # The same case is a new incident in a new year.
    entry = services.charge_incident(world.agent, world.globex_sub, case_ref="CASE-1", at=next_day)
    assert entry.year_start == dt.date(2027, 1, 1)


def test_a_29_february_start_counts_years_from_28_february(world):
    _, sub = customer_with(
        world.manager,
        "leap",
        level="standard",
        starts_on=dt.date(2024, 2, 29),
        ends_on=dt.date(2028, 2, 28),
    )
    feb27 = dt.datetime(2025, 2, 27, 12, tzinfo=PT)
    feb28 = dt.datetime(2025, 2, 28, 12, tzinfo=PT)
    services.charge_incident(world.agent, sub, case_ref="A", at=feb27)
    assert services.quota_status(sub, feb27).text == "1 of 10 used until 2025-02-28"
    status = services.quota_status(sub, feb28)
    assert (status.used, status.year_start, status.text) == (
        0,
        dt.date(2025, 2, 28),
        "0 of 10 used until 2026-02-28",
    )


def test_unlimited_levels_record_nothing(world):
    assert services.charge_incident(world.agent, world.acme_sub, case_ref="C-1", at=AT) is None
    assert (
        services.refund_incident(world.agent, world.acme_sub, case_ref="C-1", at=AT, reason="x")
        is None
    )
    assert not QuotaEntry.objects.exists()
    status = services.quota_status(world.acme_sub, AT)
    assert (status.limit, status.exhausted, status.text) == (None, False, "0 used, unlimited")


def test_the_quota_applies_to_severities_1_and_2_on_standard(world):
    assert [services.quota_applies(world.globex_sub, s) for s in (1, 2, 3, 4)] == [
        True,
        True,
        False,
        False,
    ]
    assert not services.quota_applies(world.acme_sub, 1)


def test_the_database_refuses_a_double_charge(world):
    entry = charge_n(world, 1)[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        QuotaEntry.objects.create(
            subscription=entry.subscription,
            year_start=entry.year_start,
            case_ref=entry.case_ref,
            kind=QuotaEntry.Kind.OVERRIDE,
            occurrence=1,
            at=AT,
        )
