"""The resolution report (issue 16): time to resolution per level × severity, wall and business,
split into the vendor's time and the time waiting on the customer; resolution kinds; CSV.
Never "breached": the terms set no resolution target."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from casedesk.cases import services as cs
from casedesk.customers import services as customers
from casedesk.lib import clock
from tests.cases.helpers import pt

pytestmark = pytest.mark.django_db
RANGE = "from=2026-11-01&to=2026-11-30"


@pytest.fixture
def resolved(world):
    premium = cs.open_case(world.alice, channel="web", subject="p", received_at=pt(2026, 11, 2, 10))
    cs.ask_customer(world.agent, premium, "Logs", at=pt(2026, 11, 2, 11))
    cs.customer_reply(world.alice, premium, body="here", received_at=pt(2026, 11, 2, 13))
    with clock.pinned(pt(2026, 11, 2, 15)):
        cs.resolve(world.agent, premium, "answered")
    standard = cs.open_case(world.bob, channel="web", subject="s", received_at=pt(2026, 11, 2, 16))
    with clock.pinned(pt(2026, 11, 3, 10)):
        cs.resolve(world.agent, standard, "workaround")
    future = customers.add_release(
        world.manager, product="DC/OS", version="3.0.0", ga_on=dt.date(2027, 6, 1)
    )
    later = cs.open_case(world.alice, channel="web", subject="l", received_at=pt(2026, 11, 4, 10))
    with clock.pinned(pt(2026, 11, 4, 12)):
        cs.resolve(world.agent, later, "fixed_in_release", release=future)  # scheduled only
    return premium, standard


@pytest.fixture
def manager_client(client, world):
    client.force_login(world.manager)
    return client


def test_the_csv_splits_the_vendors_time_from_the_customers(manager_client, resolved):
    with clock.pinned(pt(2026, 11, 30, 10)):
        response = manager_client.get(f"/console/reports/resolution/?{RANGE}&format=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    premium, standard = rows
    assert (premium["Level"], premium["Severity"], premium["Resolved"]) == ("premium", "3", "1")
    # Premium is 24x7x365: business time is wall time. 5 h in all, 2 h waiting on the customer.
    assert (
        premium["Median time to resolution (hours)"],
        premium["Median time to resolution, business time (hours)"],
    ) == ("5.0", "5.0")
    assert (premium["Vendor's share (hours)"], premium["Customer's share (hours)"]) == (
        "3.0",
        "2.0",
    )
    assert (premium["Resolved: Answered"], premium["Resolved: Fixed in release"]) == ("1", "0")
    # Standard is business hours (09:00-17:00 PT): Mon 16:00 -> Tue 10:00 is 18 h, 2 business h.
    assert (
        standard["Median time to resolution (hours)"],
        standard["Median time to resolution, business time (hours)"],
    ) == ("18.0", "2.0")
    assert (standard["Customer's share (hours)"], standard["Resolved: Workaround"]) == ("0.0", "1")


def test_the_page_shows_statistics_never_breached(manager_client, resolved):
    with clock.pinned(pt(2026, 11, 30, 10)):
        html = manager_client.get(f"/console/reports/resolution/?{RANGE}").content.decode()
    assert "Premium · 3" in html and "5.0 h / 5.0 h" in html
    assert "breach" not in html.lower()
    assert "not a deadline met or missed" in html


def test_the_page_says_when_nothing_was_resolved(manager_client, world):
    with clock.pinned(pt(2026, 11, 30, 10)):
        html = manager_client.get(f"/console/reports/resolution/?{RANGE}").content.decode()
    assert "No case received in this range has been resolved yet." in html


def test_the_case_rows_csv_has_kind_environment_and_resolution(manager_client, resolved):
    with clock.pinned(pt(2026, 11, 30, 10)):
        response = manager_client.get(f"/console/reports/cases/?{RANGE}&format=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["Kind"], r["Environment"], r["Resolution"]) for r in rows][:2] == [
        ("unknown", "unknown", "answered"),
        ("unknown", "unknown", "workaround"),
    ]
