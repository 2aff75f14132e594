"""Issue 17: the vendor's hours and holidays as the subscription page shows them (pure)."""

from __future__ import annotations

import datetime as dt

from casedesk.terms.document import Calendar
from casedesk.terms.hours import (
    business_days_text,
    hours_in_zone,
    next_business_day,
    next_holidays,
    vendor_hours_text,
)

PACIFIC = Calendar()


def test_the_vendors_hours_in_its_own_words():
    assert vendor_hours_text(PACIFIC) == "Mon–Fri 09:00–17:00 America/Los_Angeles, except holidays"
    assert business_days_text(Calendar(business_days=("mon", "wed", "fri"))) == "Mon, Wed, Fri"


def test_the_contacts_clock_follows_both_zones_dst_on_that_day():
    # US clocks moved on 8 Mar 2026, Europe's only on 29 Mar: the gap is 8 hours, not 9.
    assert hours_in_zone(PACIFIC, dt.date(2026, 3, 9), "Europe/Berlin") == (
        "Mon 17:00 – Tue 01:00 CET (Europe/Berlin)"
    )
    assert hours_in_zone(PACIFIC, dt.date(2026, 3, 30), "Europe/Berlin") == (
        "Mon 18:00 – Tue 02:00 CEST (Europe/Berlin)"
    )


def test_the_next_business_day_skips_weekends_and_holidays():
    assert next_business_day(PACIFIC, dt.date(2026, 11, 26)) == dt.date(
        2026, 11, 27
    )  # Thanksgiving
    assert next_business_day(PACIFIC, dt.date(2026, 12, 26)) == dt.date(2026, 12, 28)  # Saturday


def test_the_next_holidays_run_into_the_next_year():
    days = next_holidays(PACIFIC, dt.date(2026, 12, 20), 2)
    assert days == [
        (dt.date(2026, 12, 25), "Christmas Day"),
        (dt.date(2027, 1, 1), "New Year's Day"),
    ]
