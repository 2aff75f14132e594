"""Hypothesis strategies for instants that stress a business calendar, 2024-2035.

Plain random minutes rarely land on 09:00 sharp, on a holiday or on the night clocks change,
so a third of the draws are aimed at exactly those: opening and closing times (and a minute
either side), holidays and the days around them, and the days around each DST change.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from hypothesis import strategies as st

from casedesk.terms.document import Calendar, Holidays

UTC = dt.UTC
FIRST_YEAR, LAST_YEAR = 2024, 2035
_START = int(dt.datetime(FIRST_YEAR, 1, 1, tzinfo=UTC).timestamp()) // 60
_END = int(dt.datetime(LAST_YEAR, 12, 31, tzinfo=UTC).timestamp()) // 60
LA = "America/Los_Angeles"

DEFAULT = Calendar()
# Open on Sundays 01:00-04:00 local: each DST change happens inside business hours
# (2 h of real time on spring-forward Sunday, 4 h on fall-back Sunday).
DST_IN_HOURS = Calendar(
    timezone=LA,
    business_days=("sun", "mon", "wed"),
    opens=dt.time(1),
    closes=dt.time(4),
)
# Another zone, odd hours, a different holiday list with an extra and a removed date.
LONDON = Calendar(
    timezone="Europe/London",
    business_days=("mon", "tue", "wed", "thu", "fri", "sat"),
    opens=dt.time(9, 30),
    closes=dt.time(17, 45),
    holidays=Holidays(
        country="GB",
        subdivision="ENG",
        extra=(dt.date(2026, 6, 3), dt.date(2030, 1, 2)),
        removed=(dt.date(2026, 12, 25),),
    ),
)
# Opens at 02:30, a wall time that does not exist on spring-forward Sunday: it opens at the
# jump (03:00 PDT) that day.
DST_GAP = Calendar(
    timezone=LA,
    business_days=("sat", "sun"),
    opens=dt.time(2, 30),
    closes=dt.time(5),
    holidays=Holidays(country=""),
)
CALENDARS = (DEFAULT, DST_IN_HOURS, LONDON, DST_GAP)

SPECIAL_TIMES = tuple(
    dt.time(h, m)
    for h, m in (
        (0, 0),
        (0, 59),
        (1, 0),
        (1, 30),
        (2, 0),
        (2, 30),
        (3, 0),
        (3, 59),
        (4, 0),
        (8, 59),
        (9, 0),
        (9, 1),
        (9, 29),
        (9, 30),
        (12, 0),
        (16, 59),
        (17, 0),
        (17, 1),
        (17, 44),
        (17, 45),
        (23, 59),
    )
)


@cache
def holiday_dates(country: str) -> tuple[dt.date, ...]:
    found = holidays.country_holidays(country, years=range(FIRST_YEAR, LAST_YEAR + 1))
    return tuple(sorted(found))


@cache
def dst_dates(zone_name: str) -> tuple[dt.date, ...]:
    """Local dates on which the zone's UTC offset changes, 2024-2035 (found day by day)."""
    zone = ZoneInfo(zone_name)
    out = []
    day = dt.date(FIRST_YEAR, 1, 1)
    while day.year <= LAST_YEAR:
        a = dt.datetime.combine(day, dt.time(), zone).utcoffset()
        b = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone).utcoffset()
        if a != b:
            out.append(day)
        day += dt.timedelta(days=1)
    return tuple(out)


def _local(day: dt.date, time: dt.time, zone: str, fold: int) -> dt.datetime:
    # A wall time in a DST gap does not exist; converting via UTC picks a real instant.
    return dt.datetime.combine(day, time, ZoneInfo(zone)).replace(fold=fold).astimezone(UTC)


def _near(days: tuple[dt.date, ...]) -> st.SearchStrategy[dt.date]:
    return st.builds(
        lambda d, k: d + dt.timedelta(days=k), st.sampled_from(days), st.integers(-2, 2)
    )


def instants(cal: Calendar) -> st.SearchStrategy[dt.datetime]:
    """Whole-minute aware UTC instants, 2024-2035, aimed at the calendar's hard spots."""
    zone = cal.timezone
    any_minute = st.integers(_START, _END).map(lambda m: dt.datetime.fromtimestamp(m * 60, UTC))
    dates = st.dates(dt.date(FIRST_YEAR, 1, 3), dt.date(LAST_YEAR, 12, 28))
    special = st.sampled_from(SPECIAL_TIMES + (cal.opens, cal.closes))
    any_time = st.times().map(lambda t: t.replace(second=0, microsecond=0))
    folds = st.integers(0, 1)
    country = cal.holidays.country or "US"
    return st.one_of(
        any_minute,
        st.builds(_local, dates, special, st.just(zone), folds),
        st.builds(_local, _near(holiday_dates(country)), special, st.just(zone), folds),
        st.builds(_local, _near(dst_dates(zone)), special | any_time, st.just(zone), folds),
    )


calendars = st.sampled_from(CALENDARS)
