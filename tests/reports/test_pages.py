"""The report pages: who sees them, the numbers and links they show, CSV exports, queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .conftest import NOW, RANGE, opened, reply

pytestmark = pytest.mark.django_db


def text(response) -> str:  # type: ignore[no-untyped-def]
    return unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


def row_cells(response, table_id: str, label: str) -> list[str]:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    table = re.search(rf'<table[^>]* id="{table_id}"[^>]*>(.*?)</table>', html, re.S)
    assert table, f"no table #{table_id}"
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S):
        cells = [
            " ".join(unescape(re.sub(r"<[^>]+>", " ", c)).split())
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        ]
        if cells and cells[0] == label:
            return cells[1:]
    raise AssertionError(f"no row {label!r} in #{table_id}")


@pytest.mark.parametrize(
    "url", ["/console/reports/", "/console/reports/quota/", "/console/reports/cases/"]
)
def test_it_hides_reports_from_contacts_with_a_404(client, world, url):
    client.force_login(world.alice.user)
    assert client.get(url).status_code == 404
    assert client.get(url + "?format=csv").status_code == 404


def test_it_sends_anonymous_visitors_to_the_login_page(client, world):
    response = client.get("/console/reports/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_lets_engineers_and_managers_see_reports(client, world, now):
    for user in (world.agent, world.manager):
        client.force_login(user)
        assert client.get("/console/reports/").status_code == 200
        assert client.get("/console/reports/quota/").status_code == 200


def test_it_links_reports_from_the_console_nav(manager_client):
    assert (
        '<a href="/console/reports/">Reports</a>'
        in manager_client.get("/console/").content.decode()
    )


def test_it_shows_the_attainment_table_with_exact_numbers(manager_client, month):
    response = manager_client.get(f"/console/reports/?{RANGE}")
    assert response.status_code == 200
    assert row_cells(response, "attainment-level", "Signature · Sev 3") == [
        "5", "5", "2", "1", "1", "1", "50.0 %",
        "1 h 00 min / 1 h 00 min", "3 h 00 min / 3 h 00 min", "1 h 00 min / 1 h 00 min", "0",
    ]  # fmt: skip
    assert row_cells(response, "attainment-level", "Standard · Sev 2")[6:10] == [
        "0.0 %", "97 h 30 min / 17 h 00 min", "97 h 30 min / 17 h 00 min",
        "1 h 30 min / 1 h 00 min",
    ]  # fmt: skip
    assert row_cells(response, "attainment-level", "All cases")[:7] == [
        "12", "9", "4", "2", "1", "2", "50.0 %",
    ]  # fmt: skip
    assert row_cells(response, "attainment-month", "2026-11")[6] == "42.9 %"
    assert row_cells(response, "attainment-customer", "Globex")[:7] == [
        "4", "2", "0", "1", "0", "1", "0.0 %",
    ]  # fmt: skip


def test_it_explains_every_number(manager_client, month):
    response = manager_client.get(f"/console/reports/?{RANGE}")
    page = text(response)
    assert (
        "attainment = met ÷ (met + breached + overdue); pending cases are not decided yet, and "
        "reasonable-efforts cases have no deadline and are excluded." in page
    )
    html = response.content.decode()
    for anchor in ("met", "breached", "pending", "overdue", "attainment", "response", "late"):
        assert f'href="#def-{anchor}"' in html
        assert f'id="def-{anchor}"' in html


def test_it_links_each_count_to_the_cases_behind_it(manager_client, month):
    response = manager_client.get(f"/console/reports/?{RANGE}")
    html = unescape(response.content.decode())
    link = "/console/reports/cases/?from=2026-10-01&to=2026-11-23&outcome=breached&level=signature&severity=3"
    assert f'href="{link}">1</a>' in html
    cases = manager_client.get(link)
    assert [r["tracking_number"] for r in cases.context["rows"]] == [
        month["sig_breached"].tracking_number
    ]


def test_it_shows_reasonable_efforts_severity_changes_and_exclusions(manager_client, month):
    response = manager_client.get(f"/console/reports/?{RANGE}")
    assert row_cells(response, "reasonable-table", "Standard · Sev 3") == [
        "1",
        "1",
        "0",
        "2 h 00 min",
    ]
    assert row_cells(response, "severity-table", "Premium") == ["1", "1", "1", "1", "0", "0"]
    assert row_cells(response, "severity-table", "Standard") == ["2", "0", "0", "0", "0", "0"]
    assert row_cells(response, "severity-table", "Signature") == ["0", "0", "0", "0", "1", "0"]
    cells = row_cells(response, "exclusions-table", "(d)")
    assert cells[0] == "1"
    assert cells[1].startswith("Customer has not installed or implemented")


def test_it_draws_the_monthly_chart_as_inline_svg(manager_client, month):
    html = manager_client.get(f"/console/reports/?{RANGE}").content.decode()
    svg = re.search(r"<svg class=\"chart\".*?</svg>", html, re.S)
    assert svg
    assert "2026-10: 100.0 % — 1 met of 1 decided (0 breached, 0 overdue)" in svg.group(0)
    assert "2026-11: 42.9 % — 3 met of 7 decided (2 breached, 2 overdue)" in svg.group(0)
    assert "<script" not in html.split("<main>")[1].split("</main>")[0]


def test_it_defaults_to_the_last_90_days(manager_client, month):
    response = manager_client.get("/console/reports/")
    f = response.context["f"]
    assert (f.start, f.end) == (dt.date(2026, 8, 26), dt.date(2026, 11, 23))
    assert response.context["result"].total.cases == 12


def test_it_filters_by_level_and_customer(manager_client, month):
    response = manager_client.get(f"/console/reports/?{RANGE}&level=premium&customer=acme")
    assert response.context["result"].total.cases == 3
    response = manager_client.get(f"/console/reports/?{RANGE}&customer=globex")
    assert response.context["result"].total.cases == 4


def test_it_says_when_the_dates_are_the_wrong_way_round(manager_client, month):
    response = manager_client.get("/console/reports/?from=2026-11-23&to=2026-10-01")
    assert "“From” must be on or before “To”." in text(response)
    assert response.context["result"].total.cases == 12  # the default range instead


def test_it_exports_the_attainment_table_as_csv(manager_client, month):
    response = manager_client.get(f"/console/reports/?{RANGE}&by=level&format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert lines[0][:8] == [
        "Group", "Cases", "With a deadline", "Met", "Breached", "Pending", "Overdue",
        "Attainment (%)",
    ]  # fmt: skip
    assert lines[1] == [
        "Signature · Sev 3", "5", "5", "2", "1", "1", "1", "50.0", "60", "180", "60", "180",
        "60.0", "60.0", "0",
    ]  # fmt: skip
    assert lines[-1][:8] == ["All cases", "12", "9", "4", "2", "1", "2", "50.0"]
    by_month = manager_client.get(f"/console/reports/?{RANGE}&by=month&format=csv")
    assert [line[0] for line in csv.reader(io.StringIO(by_month.content.decode()))] == [
        "Group", "2026-10", "2026-11", "All cases",
    ]  # fmt: skip


def test_it_streams_every_case_row_as_csv(manager_client, month):
    response = manager_client.get(f"/console/reports/cases/?{RANGE}&format=csv")
    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 12
    std = next(r for r in rows if r["Case"] == month["std_breached"].tracking_number)
    assert std["Outcome"] == "breached"
    assert (std["Response (minutes)"], std["Response, business time (minutes)"]) == ("5850", "1020")
    assert (std["Late by (minutes)"], std["Late by, business time (minutes)"]) == ("90", "60")
    assert std["Received (UTC)"] == "2026-11-06T00:00:00+00:00"
    overdue = manager_client.get(f"/console/reports/cases/?{RANGE}&outcome=overdue&format=csv")
    refs = [
        r["Case"] for r in csv.DictReader(io.StringIO(b"".join(overdue.streaming_content).decode()))
    ]
    assert refs == [month["std_overdue"].tracking_number, month["sig_overdue"].tracking_number]


def test_it_shows_the_quota_page_with_the_ledger(manager_client, month):
    response = manager_client.get("/console/reports/quota/")
    page = " ".join(text(response).split())
    assert "Globex · Standard · 2026-01-01 to 2026-12-31" in page
    assert "11 of 10 used · 11 charges, 1 refund, 1 override · over the limit by override" in page
    assert "Launch day: the customer's release ships tonight." in page
    assert "Not a production outage after all." in page
    assert [y.subscription.customer.name for y in response.context["years"]] == ["Globex"]


def _overview_queries(client) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/console/reports/?{RANGE}").status_code == 200
    return len(ctx)


def test_it_keeps_the_overview_query_count_constant_as_cases_grow(
    manager_client, month, world, django_assert_max_num_queries
):
    before = _overview_queries(manager_client)
    for n in range(6):
        case = opened(world.carol, NOW - dt.timedelta(days=n + 1, minutes=10))
        reply(world.agent, case, NOW - dt.timedelta(days=n + 1))
    with django_assert_max_num_queries(before):
        manager_client.get(f"/console/reports/?{RANGE}")
    assert before <= 15
