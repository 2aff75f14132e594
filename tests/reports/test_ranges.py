"""Report ranges longer than the data are cut to the data, with a note saying what was asked."""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk.reports.ranges import clamp_to_data

from .test_pages import text

pytestmark = pytest.mark.django_db
SPAN = (dt.date(2026, 10, 1), dt.date(2026, 11, 23))


def test_a_two_hundred_year_range_shows_the_span_of_the_data(manager_client, month):
    response = manager_client.get("/console/reports/?from=1900-01-01&to=2100-12-31")
    f = response.context["f"]
    assert (f.start, f.end) == SPAN  # first case's month .. today
    assert response.context["result"].total.cases == 12
    assert (
        "Showing 2026-10-01 to 2026-11-23, the span of the data; "
        "you asked for 1900-01-01 to 2100-12-31." in text(response)
    )
    assert "Pick at most" not in text(response)


def test_only_the_end_past_the_data_is_cut(manager_client, month):
    response = manager_client.get("/console/reports/cases/?from=2026-11-01&to=2099-01-01")
    f = response.context["f"]
    assert (f.start, f.end) == (dt.date(2026, 11, 1), SPAN[1])
    assert "you asked for 2026-11-01 to 2099-01-01" in text(response)


def test_a_range_inside_the_data_and_the_default_range_carry_no_note(manager_client, month):
    for url in ("/console/reports/?from=2026-10-05&to=2026-11-20", "/console/reports/"):
        response = manager_client.get(url)
        assert "the span of the data" not in text(response)
    f = manager_client.get("/console/reports/?from=2026-10-05&to=2026-11-20").context["f"]
    assert (f.start, f.end) == (dt.date(2026, 10, 5), dt.date(2026, 11, 20))


def test_clamping_keeps_a_range_wholly_outside_the_data_as_asked():
    assert clamp_to_data(dt.date(2020, 1, 1), dt.date(2020, 12, 31), SPAN) == (
        dt.date(2020, 1, 1),
        dt.date(2020, 12, 31),
    )
    assert clamp_to_data(dt.date(2026, 1, 1), dt.date(2026, 10, 15), SPAN) == (
        SPAN[0],
        dt.date(2026, 10, 15),
    )
