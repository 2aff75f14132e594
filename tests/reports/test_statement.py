"""The yearly support statement's figures (issue 17): each one equals the report pages' figure
for the same customer and period, the late cases are explained, and the rest of the year
(contact changes, patches, quota) is listed. Built on the month in conftest.py."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from casedesk.cases import services as cs
from casedesk.customers import services as customers
from casedesk.reports.queries import COUNT_FIELDS
from casedesk.reports.statement import build_statement, pick_year, statement_years
from tests.cases.helpers import pt

from .conftest import NOW, at, opened

pytestmark = pytest.mark.django_db

YEAR = "from=2026-01-01&to=2026-12-31"
TIMES = ("median_wall", "p90_wall", "median_business", "p90_business", "mean_late_wall")


def _portal_statement(client, contact):  # type: ignore[no-untyped-def]
    client.force_login(contact.user)
    response = client.get("/portal/statement/?year=2026-01-01")
    assert response.status_code == 200
    return response.context["st"]


def _figures(row) -> dict:  # type: ignore[no-untyped-def]
    return {name: getattr(row, name) for name in (*COUNT_FIELDS, *TIMES, "attainment")}


@pytest.mark.parametrize("who", ["alice", "bob", "carol"])
def test_it_gives_the_reports_figures_for_the_same_customer_and_year(
    client, world, month, now, who
):
    contact = getattr(world, who)
    st = _portal_statement(client, contact)
    client.force_login(world.manager)
    query = f"{YEAR}&customer={contact.customer.slug}"
    overview = client.get(f"/console/reports/?{query}").context
    assert st.cases > 0
    assert _figures(st.attainment.total) == _figures(overview["result"].total)
    assert [(r.key, _figures(r)) for r in st.attainment.by_level] == [
        (r.key, _figures(r)) for r in overview["result"].by_level
    ]
    assert [dataclasses.asdict(r) for r in st.severity] == [
        dataclasses.asdict(r) for r in overview["severity"]
    ]
    assert st.exclusions == overview["exclusions"]
    resolution = client.get(f"/console/reports/resolution/?{query}").context["rows"]
    assert [r.csv() for r in st.resolution] == [r.csv() for r in resolution]
    quota = [
        y
        for y in client.get(f"/console/reports/quota/?customer={contact.customer.slug}").context[
            "years"
        ]
        if y.year_start == dt.date(2026, 1, 1)
    ]
    assert [(y.used, y.charges, y.refunds, y.overrides, y.ledger) for y in st.quota] == [
        (y.used, y.charges, y.refunds, y.overrides, y.ledger) for y in quota
    ]
    cases = client.get(f"/console/reports/cases/?{query}").context["page"].paginator.count
    assert sum(total for _, _, total in st.kind_table) == cases == st.cases


def test_it_lists_and_explains_the_late_cases(world, month, now):
    st = build_statement(world.globex, _year(world.globex), NOW, "America/Los_Angeles")
    late = {c.row["tracking_number"]: c for c in st.late}
    assert set(late) == {
        month["std_breached"].tracking_number,
        month["std_overdue"].tracking_number,
    }
    assert st.late_total == 2
    breached = late[month["std_breached"].tracking_number]
    assert breached.row["outcome"] == "breached"
    assert (breached.row["late_minutes"], breached.row["late_business_minutes"]) == (90, 60)
    assert any("Cluster degraded." in line for line in breached.explanation)
    assert breached.explanation[-1].startswith("First response: Mon 09 Nov 2026, 17:30 PST")
    overdue = late[month["std_overdue"].tracking_number]
    assert overdue.row["outcome"] == "overdue"
    assert any("Production down." in line for line in overdue.explanation)


def test_it_counts_cases_by_severity_and_kind(world, month, now):
    at(NOW, cs.classify, world.agent, month["std_re"], kind="question")
    st = build_statement(world.globex, _year(world.globex), NOW, "America/Los_Angeles")
    assert ("question", "Question (use, configuration, operation)") in st.kind_columns
    keys = [k for k, _ in st.kind_columns]
    table = {s: (dict(zip(keys, counts, strict=True)), total) for s, counts, total in st.kind_table}
    assert table[3] == ({"question": 1, "unknown": 0}, 1)
    assert table[1][1] == table[2][1] == table[4][1] == 1


def test_it_lists_contact_changes_and_patches_delivered_in_the_year(world, month, now):
    when = pt(2026, 6, 1, 9, 0)
    successor = customers.transfer_contact(
        world.manager, world.alice, name="Ann Archer", email="ann@acme.example", at=when
    )
    case = opened(successor, pt(2026, 7, 1, 9, 0))
    patch = at(pt(2026, 7, 1, 10, 0), cs.request_patch, successor, case, "Hotfix for the crash")
    at(pt(2026, 7, 2, 9, 0), cs.deliver_patch, world.agent, patch, "2.2.1-hf1 on the portal")
    st = build_statement(world.acme, _year(world.acme), NOW, "Europe/Berlin")
    changes = [(c.name, c.what) for c in st.contact_changes]
    assert ("Alice Adams", "stopped being a designated contact") in changes
    assert ("Ann Archer", "became a designated contact, taking over from Alice Adams") in changes
    assert [(p.case_ref, p.summary, p.note) for p in st.patches] == [
        (case.tracking_number, "Hotfix for the crash", "2.2.1-hf1 on the portal")
    ]


def test_it_offers_the_subscription_years_begun_so_far_newest_first(world):
    years = statement_years(world.acme, pt(2027, 3, 1, 9, 0))
    assert [(y.key, y.so_far) for y in years] == [("2027-01-01", True), ("2026-01-01", False)]
    assert years[0].label == "01 Jan 2027 to 31 Dec 2027 · Premium (so far)"
    assert pick_year(years, "") == years[0]
    assert pick_year(years, "2026-01-01") == years[1]
    assert pick_year(years, "2025-01-01") is None
    assert statement_years(world.acme, pt(2025, 12, 31, 9, 0)) == []


def test_it_calls_a_year_without_events_empty(world, now):
    st = build_statement(world.initech, _year(world.initech), NOW, "America/Los_Angeles")
    assert st.empty
    assert st.cases == 0 and not st.late and not st.quota


def _year(customer):  # type: ignore[no-untyped-def]
    year = pick_year(statement_years(customer, NOW), "2026-01-01")
    assert year is not None
    return year
