"""A time in a zone: the calendar day and the words people read, DST-correct."""

from __future__ import annotations

import datetime as dt

from casedesk.lib.tz import local_date, local_text

LA = "America/Los_Angeles"


def test_it_takes_the_day_in_the_zone_not_the_utc_day():
    late_evening = dt.datetime(2026, 11, 28, 3, 30, tzinfo=dt.UTC)  # Fri 19:30 PST
    assert local_date(late_evening, LA) == dt.date(2026, 11, 27)
    assert local_date(late_evening, "UTC") == dt.date(2026, 11, 28)


def test_it_names_the_zone_as_it_is_on_that_day():
    assert local_text(dt.datetime(2026, 11, 17, 17, 0, tzinfo=dt.UTC), LA) == (
        "Tue 17 Nov 2026, 09:00 PST"
    )
    assert local_text(dt.datetime(2026, 7, 14, 16, 0, tzinfo=dt.UTC), LA) == (
        "Tue 14 Jul 2026, 09:00 PDT"
    )
    assert local_text(dt.datetime(2026, 7, 14, 16, 0, tzinfo=dt.UTC), LA, "%H:%M") == "09:00"
