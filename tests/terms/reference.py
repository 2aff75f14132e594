"""A brute-force business clock to check BusinessCalendar against, minute by minute.

It shares nothing with casedesk.terms.calendar but the terms' Calendar model: each UTC minute
is converted to local wall time and asked "is this a business day, between opening and
closing?". A minute [m, m+1) counts when its first instant is open. The only shortcut is that
the open minutes of each local day are found once (by scanning every minute of that day) and
cached, so a test can walk a week of business time without scanning it again.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

import holidays

from casedesk.terms.document import Calendar

UTC = dt.UTC
MINUTE = 60


class Reference:
    def __init__(self, cal: Calendar) -> None:
        self.cal = cal
        self.zone = ZoneInfo(cal.timezone)
        self.weekdays = {
            ("mon", "tue", "wed", "thu", "fri", "sat", "sun").index(d) for d in cal.business_days
        }
        self._days = cache(self._open_minutes_of_day)
        self.holidays_of = cache(self._holidays_of)  # type: ignore[method-assign]

    # -- the rule, written plainly ----------------------------------------------------------

    def _holidays_of(self, year: int) -> set[dt.date]:
        spec = self.cal.holidays
        found: set[dt.date] = set()
        if spec.country:
            found = set(
                holidays.country_holidays(
                    spec.country, subdiv=spec.subdivision or None, years=year, observed=True
                )
            )
        found |= {d for d in spec.extra if d.year == year}
        found -= set(spec.removed)
        return {d for d in found if d.year == year}

    def is_business_day(self, day: dt.date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays_of(day.year)

    def is_open_minute(self, minute: int) -> bool:
        local = dt.datetime.fromtimestamp(minute * MINUTE, self.zone)
        return (
            self.is_business_day(local.date()) and self.cal.opens <= local.time() < self.cal.closes
        )

    def _open_minutes_of_day(self, day: dt.date) -> tuple[int, ...]:
        """Every open UTC minute whose local date is `day`, found by scanning the whole day."""
        if not self.is_business_day(day):
            return ()
        midnight = int(dt.datetime.combine(day, dt.time(), self.zone).timestamp()) // MINUTE
        minutes = []
        for m in range(midnight - 180, midnight + 27 * 60):  # the local day, with a margin
            local = dt.datetime.fromtimestamp(m * MINUTE, self.zone)
            if local.date() == day and self.cal.opens <= local.time() < self.cal.closes:
                minutes.append(m)
        return tuple(minutes)

    def local_date(self, minute: int) -> dt.date:
        return dt.datetime.fromtimestamp(minute * MINUTE, self.zone).date()

    # -- operations on epoch minutes --------------------------------------------------------

    def next_open(self, minute: int) -> int:
        day = self.local_date(minute)
        while True:
            for m in self._days(day):
                if m >= minute:
                    return m
            day += dt.timedelta(days=1)

    def add(self, minute: int, n: int) -> int:
        """The end of the n-th open minute at or after `minute` (n = 0: `minute` itself)."""
        if n == 0:
            return minute
        day = self.local_date(minute)
        left = n
        while True:
            later = [m for m in self._days(day) if m >= minute]
            if len(later) >= left:
                return later[left - 1] + 1
            left -= len(later)
            day += dt.timedelta(days=1)

    def between(self, a: int, b: int) -> int:
        """Open minutes m with a <= m < b."""
        day, last = self.local_date(a), self.local_date(b)
        count = 0
        while day <= last:
            count += sum(1 for m in self._days(day) if a <= m < b)
            day += dt.timedelta(days=1)
        return count


def to_minute(t: dt.datetime) -> int:
    assert t.second == 0 and t.microsecond == 0, "the reference works on whole minutes"
    return int(t.timestamp()) // MINUTE


def from_minute(m: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(m * MINUTE, UTC)
