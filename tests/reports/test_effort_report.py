"""The effort report: quiet periods per level and severity (how often, how long) and update
attainment under update targets, on the page and as CSV.

NOW is Monday 23 Nov 2026, 10:00 PT; every case is Premium Severity 1 (2-hour effort interval,
wall time). Expected:
- quiet_long: replied NOW-10 h, note NOW-9 h, nothing since: one quiet period of 7 h (420 min).
- quiet_short: replied NOW-5 h, note NOW-2 h: one quiet period of 1 h (60 min).
- updates (Umbrella, example terms, a public update every 2 h): replied NOW-6 h, NOW-5 h
  (attained), NOW-2 h (missed: 3 h); since then 2 h, due exactly now: not decided.
"""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk.cases import services as cs
from casedesk.lib import clock
from tests.cases.effort_helpers import example_terms_contact, responded_case
from tests.cases.helpers import pt

pytestmark = pytest.mark.django_db
NOW = pt(2026, 11, 23, 10, 0)
H = dt.timedelta(hours=1)
RANGE = "from=2026-11-01&to=2026-11-23"


@pytest.fixture
def history(world):
    quiet_long = responded_case(world, world.alice, 1, NOW - 11 * H, NOW - 10 * H)
    with clock.pinned(NOW - 9 * H):
        cs.add_note(world.agent, quiet_long, "Reproduced")
    quiet_short = responded_case(world, world.alice, 1, NOW - 6 * H, NOW - 5 * H)
    with clock.pinned(NOW - 2 * H):
        cs.add_note(world.agent, quiet_short, "Escalated to development")
    updated = responded_case(world, example_terms_contact(world), 1, NOW - 7 * H, NOW - 6 * H)
    for at in (NOW - 5 * H, NOW - 2 * H):
        with clock.pinned(at):
            cs.respond(world.agent, updated, "Update: still working on it.")


@pytest.fixture
def manager_client(client, world):
    client.force_login(world.manager)
    with clock.pinned(NOW):
        yield client


def test_the_csv_counts_quiet_periods_and_update_attainment(manager_client, history):
    response = manager_client.get(f"/console/reports/effort/?{RANGE}&format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == (
        "Level,Severity,Answered cases,Cases with a quiet period,Quiet periods,"
        "Quiet time in total (minutes),Median quiet period (minutes),"
        "Longest quiet period (minutes),Updates on time,Updates missed,Update attainment (share)"
    )
    # Both terms versions name the level "premium": Umbrella's case counts with Acme's. Its
    # gaps (1 h, 3 h, 2 h) add one quiet hour: periods 60, 60, 420.
    assert lines[1:] == ["premium,1,3,3,3,540,60,420,1,1,0.500"]


def test_the_page_shows_the_table_and_its_definitions(manager_client, history):
    html = manager_client.get(f"/console/reports/effort/?{RANGE}").content.decode()
    html = " ".join(html.split())
    assert (
        '<td>Premium · Sev 1</td><td class="num">3</td><td class="num">3</td><td class="num">3</td>'
        in html
    )
    assert (
        '<td class="num">9 h 00 min / 1 h 00 min / 7 h 00 min</td> <td class="num">1 / 1</td>'
        '<td class="num">50.0 %</td>' in html
    )
    assert "Waiting on the customer does not count." in html


def test_the_page_has_an_empty_state(manager_client, world):
    html = manager_client.get(f"/console/reports/effort/?{RANGE}").content.decode()
    assert "No case received in this range has had a first response yet." in html


def test_a_contact_cannot_see_it(client, world):
    client.force_login(world.alice.user)
    assert client.get("/console/reports/effort/").status_code == 404
