"""The read layer: exact figures for a month of cases built through the services."""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk.cases import services as cs
from casedesk.cases.models import Case
from casedesk.lib import clock
from casedesk.reports import queries as q
from casedesk.terms import sla

from .conftest import FROM, NOW, OVERRIDE_REASON, REFUND_REASON, TO

pytestmark = pytest.mark.django_db

TZ = "America/Los_Angeles"


def result(**kw):  # type: ignore[no-untyped-def]
    return q.attainment(q.Filters(FROM, TO, tz=TZ, **kw), NOW)


def by_label(rows):  # type: ignore[no-untyped-def]
    return {r.label: r for r in rows}


def counts(row):  # type: ignore[no-untyped-def]
    return (
        row.cases,
        row.with_deadline,
        row.met,
        row.breached,
        row.pending,
        row.overdue,
        row.reasonable,
    )


def test_it_counts_outcomes_by_level_and_severity(month):
    rows = by_label(result().by_level)
    assert list(rows) == [
        "Signature · Sev 3",
        "Premium · Sev 1",
        "Premium · Sev 3",
        "Premium · Sev 4",
        "Standard · Sev 1",
        "Standard · Sev 2",
        "Standard · Sev 3",
        "Standard · Sev 4",
    ]
    assert counts(rows["Signature · Sev 3"]) == (5, 5, 2, 1, 1, 1, 0)
    assert rows["Signature · Sev 3"].attainment == 50.0
    assert counts(rows["Premium · Sev 1"]) == (1, 1, 1, 0, 0, 0, 0)
    assert counts(rows["Premium · Sev 4"]) == (1, 0, 0, 0, 0, 0, 1)
    assert rows["Premium · Sev 4"].attainment is None
    assert counts(rows["Standard · Sev 1"]) == (1, 1, 0, 0, 0, 1, 0)
    assert rows["Standard · Sev 1"].attainment == 0.0
    assert counts(rows["Standard · Sev 2"]) == (1, 1, 0, 1, 0, 0, 0)


def test_it_totals_attainment_as_met_over_decided(month):
    total = result().total
    assert counts(total) == (12, 9, 4, 2, 1, 2, 3)
    assert total.decided == 8
    assert total.attainment == 50.0


def test_it_gives_nearest_rank_response_times_in_wall_and_business_minutes(month):
    r = result()
    sig = by_label(r.by_level)["Signature · Sev 3"]
    assert (sig.median_wall, sig.p90_wall) == (60, 180)
    assert (sig.median_business, sig.p90_business) == (60, 180)  # 24x7: business = wall
    std = by_label(r.by_level)["Standard · Sev 2"]
    # Thu 16:00 -> Mon 17:30 PT: 4 days 1.5 h of wall time, 17 business hours.
    assert (std.median_wall, std.median_business) == (5850, 1020)
    assert (std.mean_late_wall, std.mean_late_business) == (90.0, 60.0)
    # All six answered cases with a deadline: 30, 40, 60, 180, 360, 5850 (business 1020).
    assert (r.total.median_wall, r.total.p90_wall) == (60, 5850)
    assert (r.total.median_business, r.total.p90_business) == (60, 1020)
    assert (r.total.mean_late_wall, r.total.mean_late_business) == (75.0, 60.0)


def test_it_shows_reasonable_efforts_apart(month):
    rows = by_label(result().reasonable)
    assert list(rows) == ["Premium · Sev 4", "Standard · Sev 3", "Standard · Sev 4"]
    std3 = rows["Standard · Sev 3"]
    assert (std3.reasonable, std3.reasonable_responded, std3.reasonable_median_wall) == (1, 1, 120)
    assert rows["Standard · Sev 4"].reasonable_unanswered == 1
    assert all(r.breached == 0 and r.overdue == 0 for r in rows.values())


def test_it_groups_by_customer_and_by_month_in_pacific_time(month):
    r = result()
    customers = by_label(r.by_customer)
    assert list(customers) == ["Acme", "Globex", "Initech"]
    assert counts(customers["Globex"]) == (4, 2, 0, 1, 0, 1, 2)
    months = by_label(r.by_month)
    assert list(months) == ["2026-10", "2026-11"]
    assert counts(months["2026-10"]) == (2, 1, 1, 0, 0, 0, 1)
    assert round(months["2026-11"].attainment, 1) == 42.9  # 3 met of 7 decided


def test_it_filters_by_level_customer_and_dates(month, world):
    assert counts(result(level="premium").total) == (3, 2, 2, 0, 0, 0, 1)
    assert result(customer_id=world.globex.pk).total.cases == 4
    nov = q.attainment(q.Filters(dt.date(2026, 11, 1), TO, tz=TZ), NOW)
    assert nov.total.cases == 10


def test_it_counts_severity_changes_and_requests(month):
    r = result()
    rows = {s.level: s for s in q.severity_changes(q.Filters(FROM, TO, tz=TZ), r)}
    pre, std, sig = rows["premium"], rows["standard"], rows["signature"]
    assert (pre.raised, pre.lowered, pre.lowered_before_response) == (1, 1, 1)
    assert (pre.requests_confirmed, pre.requests_declined) == (1, 0)
    assert (std.raised, std.lowered, std.lowered_before_response) == (2, 0, 0)
    assert (sig.requests_confirmed, sig.requests_declined, sig.raised) == (0, 1, 0)


def test_it_counts_exclusions_with_their_text(month):
    rows = q.exclusions(q.Filters(FROM, TO, tz=TZ), q.terms_index())
    assert [(e.code, e.cases) for e in rows] == [("d", 1)]
    assert rows[0].text.startswith("Customer has not installed or implemented")


def test_it_reports_quota_use_with_the_ledger(month, world):
    years = q.quota_use(dt.date(2026, 11, 23))
    assert [(y.subscription.customer.name, y.year_start) for y in years] == [
        ("Globex", dt.date(2026, 1, 1))
    ]
    y = years[0]
    assert (y.used, y.limit, y.charges, y.refunds, y.overrides) == (11, 10, 11, 1, 1)
    assert y.over_limit
    reasons = {line.kind: line.reason for line in y.ledger if line.reason}
    assert reasons == {"refund": REFUND_REASON, "override": OVERRIDE_REASON}
    assert y.ledger[-1].case_ref == month["std_overdue"].tracking_number
    assert y.ledger[-1].actor == "agent"


def test_it_lists_each_subscription_year_up_to_the_day(world):
    years = q.quota_use(dt.date(2027, 2, 1))
    assert [(y.year_start, y.used) for y in years] == [
        (dt.date(2026, 1, 1), 0),
        (dt.date(2027, 1, 1), 0),
    ]


def test_it_computes_per_case_rows(month):
    f = q.Filters(FROM, TO, tz=TZ)
    rows = {
        r["tracking_number"]: r
        for r in q.case_rows(q.case_rows_query(f, NOW), NOW, q.terms_index())
    }
    std = rows[month["std_breached"].tracking_number]
    assert (std["outcome"], std["response_minutes"], std["response_business_minutes"]) == (
        "breached",
        5850,
        1020,
    )
    assert (std["late_minutes"], std["late_business_minutes"]) == (90, 60)
    overdue = rows[month["sig_overdue"].tracking_number]
    assert (overdue["outcome"], overdue["late_minutes"], overdue["response_minutes"]) == (
        "overdue",
        30,
        None,
    )
    assert rows[month["pre_lowered"].tracking_number]["outcome"] == "reasonable_efforts"
    assert rows[month["pre_lowered"].tracking_number]["lowered_before_response"] is True


def test_it_puts_a_case_in_the_month_of_its_pacific_receipt(world, now):
    from tests.cases.helpers import pt

    from .conftest import opened, reply

    case = opened(world.carol, pt(2026, 10, 31, 23, 0))  # 1 Nov 06:00 UTC
    reply(world.agent, case, pt(2026, 10, 31, 23, 20))
    months = by_label(result().by_month)
    assert (months["2026-10"].cases, months["2026-10"].median_wall) == (1, 20)
    assert months["2026-11"].cases == 0


def test_a_request_answered_by_setting_its_severity_counts_as_confirmed(world):
    received = dt.datetime(2026, 11, 10, 18, 0, tzinfo=dt.UTC)
    with clock.pinned(received):
        case = cs.open_case(world.alice, channel="web", subject="down", requested_severity=2)
        cs.change_severity(world.agent, case, 2, "Production disrupted.")
    f = q.Filters(FROM, TO, tz=TZ)
    rows = {s.level: s for s in q.severity_changes(f, q.attainment(f, NOW))}
    premium = rows["premium"]
    assert (premium.requests_pending, premium.requests_confirmed, premium.raised) == (0, 1, 1)


def test_it_counts_pending_and_overdue_as_terms_sla_judges_them(month):
    """The SQL mirror of the rule and terms.sla agree just before, at and just after a deadline,
    in the counts, the case lists and the per-case rows."""
    case = month["sig_pending"]
    deadline = Case.objects.get(pk=case.pk).response_deadline
    assert deadline is not None
    second = dt.timedelta(seconds=1)
    seen = []
    for now in (deadline - second, deadline, deadline + second):
        expected = sla.unanswered_status(deadline, now)
        seen.append(expected)
        in_sql = {
            name
            for name, cond in q.scope.unanswered(now).items()
            if Case.objects.filter(cond, pk=case.pk).exists()
        }
        assert in_sql == {expected}
        f = q.Filters(FROM, TO, tz=TZ)
        listed = q.case_rows_query(f, now, outcome=expected).filter(pk=case.pk)
        (row,) = q.case_rows(listed, now, q.terms_index())
        assert row["outcome"] == expected
    assert seen == ["pending", "pending", "overdue"]
