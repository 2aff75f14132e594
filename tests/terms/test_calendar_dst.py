"""The business clock across daylight-saving changes in America/Los_Angeles.

DST in America/Los_Angeles, 2024-2035 (US rules since 2007: second Sunday of March, first
Sunday of November, both at 02:00 local wall time):

    year   spring forward                         fall back
           02:00 PST -> 03:00 PDT                 02:00 PDT -> 01:00 PST
           (10:00 UTC; 23-hour day)               (09:00 UTC; 25-hour day)
    2024   Sun 10 Mar                             Sun  3 Nov
    2025   Sun  9 Mar                             Sun  2 Nov
    2026   Sun  8 Mar                             Sun  1 Nov
    2027   Sun 14 Mar                             Sun  7 Nov
    2028   Sun 12 Mar                             Sun  5 Nov
    2029   Sun 11 Mar                             Sun  4 Nov
    2030   Sun 10 Mar                             Sun  3 Nov
    2031   Sun  9 Mar                             Sun  2 Nov
    2032   Sun 14 Mar                             Sun  7 Nov
    2033   Sun 13 Mar                             Sun  6 Nov
    2034   Sun 12 Mar                             Sun  5 Nov
    2035   Sun 11 Mar                             Sun  4 Nov

Offsets: PST = UTC-8, PDT = UTC-7. So 09:00-17:00 is 17:00-01:00 UTC in winter and
16:00-00:00 UTC in summer. On fall-back night the wall clock reads 01:00-01:59 twice
(fold=0 is PDT, fold=1 is PST); on spring-forward night 02:00-02:59 never happens.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from casedesk.terms import default_terms
from casedesk.terms.calendar import BusinessCalendar
from casedesk.terms.sla import deadline

from .strategies import DST_GAP, DST_IN_HOURS, dst_dates

LA = ZoneInfo("America/Los_Angeles")
UTC = dt.UTC
TERMS = default_terms()

DST_TABLE = [
    (2024, dt.date(2024, 3, 10), dt.date(2024, 11, 3)),
    (2025, dt.date(2025, 3, 9), dt.date(2025, 11, 2)),
    (2026, dt.date(2026, 3, 8), dt.date(2026, 11, 1)),
    (2027, dt.date(2027, 3, 14), dt.date(2027, 11, 7)),
    (2028, dt.date(2028, 3, 12), dt.date(2028, 11, 5)),
    (2029, dt.date(2029, 3, 11), dt.date(2029, 11, 4)),
    (2030, dt.date(2030, 3, 10), dt.date(2030, 11, 3)),
    (2031, dt.date(2031, 3, 9), dt.date(2031, 11, 2)),
    (2032, dt.date(2032, 3, 14), dt.date(2032, 11, 7)),
    (2033, dt.date(2033, 3, 13), dt.date(2033, 11, 6)),
    (2034, dt.date(2034, 3, 12), dt.date(2034, 11, 5)),
    (2035, dt.date(2035, 3, 11), dt.date(2035, 11, 4)),
]


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def la(*args: int, fold: int = 0) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LA, fold=fold)


def test_the_table_above_is_what_the_time_zone_database_says():
    assert [d for _, spring, fall in DST_TABLE for d in (spring, fall)] == list(
        dst_dates("America/Los_Angeles")
    )
    for _, spring, fall in DST_TABLE:
        assert la(spring.year, spring.month, spring.day, 1, 59).utcoffset() == dt.timedelta(
            hours=-8
        )
        assert la(spring.year, spring.month, spring.day, 3, 0).utcoffset() == dt.timedelta(hours=-7)
        assert la(fall.year, fall.month, fall.day, 1, 30, fold=0).utcoffset() == dt.timedelta(
            hours=-7
        )
        assert la(fall.year, fall.month, fall.day, 1, 30, fold=1).utcoffset() == dt.timedelta(
            hours=-8
        )


@pytest.mark.parametrize(("year", "spring", "fall"), DST_TABLE)
def test_business_hours_stay_nine_to_five_wall_clock_around_each_change(year, spring, fall):
    cal = BusinessCalendar.from_terms(TERMS.calendar)
    friday_before = spring - dt.timedelta(days=2)
    monday_after = spring + dt.timedelta(days=1)
    # Friday before spring-forward is winter (PST): 09:00 = 17:00 UTC; Monday after is PDT.
    assert cal.next_open(la(*friday_before.timetuple()[:3], 8)) == utc(
        *friday_before.timetuple()[:3], 17
    )
    assert cal.next_open(la(*monday_after.timetuple()[:3], 8)) == utc(
        *monday_after.timetuple()[:3], 16
    )
    # An 8-hour business day is 8 real hours on both sides of the change.
    assert (
        cal.between(la(*friday_before.timetuple()[:3], 9), la(*monday_after.timetuple()[:3], 17))
        == 2 * 480
    )
    friday_before = fall - dt.timedelta(days=2)
    monday_after = fall + dt.timedelta(days=1)
    assert cal.next_open(la(*friday_before.timetuple()[:3], 8)) == utc(
        *friday_before.timetuple()[:3], 16
    )
    assert cal.next_open(la(*monday_after.timetuple()[:3], 8)) == utc(
        *monday_after.timetuple()[:3], 17
    )


def test_one_business_day_over_the_spring_forward_weekend_ends_at_the_same_wall_time():
    # Standard Sev 1: Fri 6 Mar 2026 16:00 PST + 1 business day = Mon 9 Mar 16:00 PDT.
    due = deadline(TERMS, "standard", 1, la(2026, 3, 6, 16))
    assert due == la(2026, 3, 9, 16) == utc(2026, 3, 9, 23)


def test_one_business_day_over_the_fall_back_weekend_ends_at_the_same_wall_time():
    # Standard Sev 1: Fri 30 Oct 2026 16:00 PDT + 1 business day = Mon 2 Nov 16:00 PST.
    due = deadline(TERMS, "standard", 1, la(2026, 10, 30, 16))
    assert due == la(2026, 11, 2, 16) == utc(2026, 11, 3, 0)


def test_signature_sev1_at_0150_on_fall_back_night_is_due_at_0105_pst():
    # 01:50 PDT is 08:50 UTC; 15 real minutes later is 09:05 UTC, which the wall clock (now
    # back on PST) shows as 01:05: earlier on the clock than the receipt.
    received = la(2026, 11, 1, 1, 50, fold=0)
    due = deadline(TERMS, "signature", 1, received)
    assert due == utc(2026, 11, 1, 9, 5)
    assert due.astimezone(LA).strftime("%H:%M %Z") == "01:05 PST"


def test_the_repeated_hour_is_two_different_receipts():
    first = deadline(TERMS, "signature", 2, la(2026, 11, 1, 1, 30, fold=0))  # 01:30 PDT
    second = deadline(TERMS, "signature", 2, la(2026, 11, 1, 1, 30, fold=1))  # 01:30 PST
    assert first == utc(2026, 11, 1, 9, 30)
    assert second == utc(2026, 11, 1, 10, 30)


def test_elapsed_targets_count_real_minutes_over_spring_forward():
    # Signature Sev 1 at 01:50 PST: 15 minutes later the wall clock reads 03:05 PDT.
    assert deadline(TERMS, "signature", 1, la(2026, 3, 8, 1, 50)) == la(2026, 3, 8, 3, 5)
    # Premium Sev 2 (4 hours) at Sat 23:00 PST: due 04:00 PDT, five hours later on the wall.
    due = deadline(TERMS, "premium", 2, la(2026, 3, 7, 23, 0))
    assert due == utc(2026, 3, 8, 11) == la(2026, 3, 8, 4, 0)


def test_a_calendar_open_across_the_change_counts_real_time():
    # Open Sundays 01:00-04:00 wall clock: 2 real hours on spring-forward Sunday, 4 on
    # fall-back Sunday (01:00-02:00 happens twice).
    cal = BusinessCalendar.from_terms(DST_IN_HOURS)
    assert cal.between(la(2026, 3, 8, 0), la(2026, 3, 9, 0)) == 120
    assert cal.between(la(2026, 11, 1, 0), la(2026, 11, 2, 0)) == 240
    assert cal.is_open(la(2026, 11, 1, 1, 30, fold=0))
    assert cal.is_open(la(2026, 11, 1, 1, 30, fold=1))
    # 150 business minutes from 01:00 PDT end at 02:30 PST (2.5 real hours).
    assert cal.add(la(2026, 11, 1, 1, 0), 150) == la(2026, 11, 1, 2, 30) == utc(2026, 11, 1, 10, 30)
    # Spring: 01:00 PST + 90 min = 03:30 PDT, the wall clock having skipped 02:00-02:59.
    assert cal.add(la(2026, 3, 8, 1, 0), 90) == la(2026, 3, 8, 3, 30)


def test_an_opening_time_that_does_not_exist_opens_at_the_jump():
    # Opens 02:30, which never happens on spring-forward Sunday: it opens at 03:00 PDT.
    cal = BusinessCalendar.from_terms(DST_GAP)
    assert cal.next_open(la(2026, 3, 8, 0, 0)) == la(2026, 3, 8, 3, 0) == utc(2026, 3, 8, 10)
    assert cal.between(la(2026, 3, 8, 0), la(2026, 3, 9, 0)) == 120  # 03:00-05:00 PDT
    assert cal.between(la(2026, 11, 1, 0), la(2026, 11, 2, 0)) == 150  # 02:30-05:00 PST
