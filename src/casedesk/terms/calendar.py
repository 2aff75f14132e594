"""The business calendar: when the vendor is open, and business time between two instants.

Wall-clock rules live in the calendar's zone; durations live in UTC. A `BusinessCalendar` turns
the terms' calendar into a table of open intervals (UTC epoch microseconds, one per business day)
and answers every question with a binary search over it. The table grows a year at a time, on
demand, so any year works and nothing is computed twice.
"""

from __future__ import annotations

import datetime as dt
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

import holidays as holidays_lib

from .errors import TermsError

if TYPE_CHECKING:
    from .document import Calendar

UTC = dt.UTC
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
US = 1_000_000  # microseconds in a second
_ONE_US = dt.timedelta(microseconds=1)
_MIN_YEAR, _MAX_YEAR = 1971, 9998


class NaiveDatetimeError(TermsError):
    """A datetime without a time zone reached the calendar."""


def to_us(t: dt.datetime) -> int:
    """Aware datetime -> UTC epoch microseconds; naive datetimes are refused."""
    try:
        # Subtracting an aware datetime from a naive one (or one whose tzinfo gives no
        # offset) raises TypeError, so the check costs nothing on the good path.
        return (t - EPOCH) // _ONE_US
    except TypeError:
        raise _not_aware(t) from None


def _not_aware(t: object) -> TermsError:
    if not isinstance(t, dt.datetime):
        return TermsError(f"{t!r} is not a datetime")
    return NaiveDatetimeError(
        f"{t.isoformat()} has no time zone; pass an aware datetime "
        "(e.g. datetime(..., tzinfo=datetime.UTC)) so business time is unambiguous"
    )


def from_us(us: int) -> dt.datetime:
    """UTC epoch microseconds -> aware UTC datetime."""
    seconds, rest = divmod(us, US)
    if rest:
        return EPOCH + dt.timedelta(seconds=seconds, microseconds=rest)
    return _fromtimestamp(seconds, UTC)  # an int: exact, and twice as fast as the sum above


_fromtimestamp = dt.datetime.fromtimestamp


@dataclass(frozen=True, slots=True)
class _Table:
    """Open intervals [starts[i], ends[i]) in epoch microseconds, in order, plus running totals.

    `cum[i]` is the business time before interval i, `cum_end[i]` the business time at its end;
    both count from the first interval of the first year covered (`first_year`).
    """

    first_year: int
    last_year: int
    starts: list[int]
    ends: list[int]
    cum: list[int]
    cum_end: list[int]
    # Instants at least a year inside the table: no need to check coverage between them.
    safe_from: int = 0
    safe_until: int = -1
    # Indexes that replace both binary searches on the hot path (see _build_indexes).
    origin: int = 0
    day_first: tuple[int, ...] = ()
    starts_pad: tuple[int, ...] = ()
    width: int = 1
    bucket_first: tuple[int, ...] = ()
    cum_end_pad: tuple[int, ...] = ()


# adder()'s copy of the current table's fields: (safe_from, safe_until, origin, day_first,
# starts_pad, ends, cum, cum_end_pad, total, width, bucket_first).
_Hot = tuple[
    int,
    int,
    int,
    tuple[int, ...],
    tuple[int, ...],
    list[int],
    list[int],
    tuple[int, ...],
    int,
    int,
    tuple[int, ...],
]

_DAY_US = 86400 * US
_PAD = 1 << 62  # later than any instant and any running total


def _build_indexes(starts: list[int], ends: list[int], cum_end: list[int]) -> dict[str, object]:
    """Direct-address indexes into the table.

    `day_first[k]` counts the intervals starting at or before UTC day k (from `origin`); a
    few intervals start inside any one day, so a short forward scan from there finds the
    interval of an instant. `bucket_first[k]` is the first interval whose running total reaches
    k * `width`; with `width` the shortest interval, at most one total lies in any bucket.
    """
    origin = starts[0] // _DAY_US * _DAY_US
    days = (ends[-1] - origin) // _DAY_US + 2
    day_first = tuple(bisect_right(starts, origin + k * _DAY_US) for k in range(days))
    width = max(min(e - s for s, e in zip(starts, ends, strict=True)), cum_end[-1] // 1_000_000, 1)
    buckets = cum_end[-1] // width + 2
    bucket_first = tuple(bisect_left(cum_end, k * width) for k in range(buckets))
    return {
        "origin": origin,
        "day_first": day_first,
        "starts_pad": (*starts, _PAD, _PAD),
        "width": width,
        "bucket_first": bucket_first,
        "cum_end_pad": (*cum_end, _PAD),
    }


class BusinessCalendar:
    """Business hours of one terms calendar; every method takes and returns aware datetimes."""

    _cache: ClassVar[dict[int, tuple[Calendar, BusinessCalendar]]] = {}
    _by_value: ClassVar[dict[Calendar, BusinessCalendar]] = {}
    _cache_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, cal: Calendar) -> None:
        self.calendar = cal
        self.zone = ZoneInfo(cal.timezone)
        self.weekdays = cal.weekday_numbers
        self.day_minutes = cal.day_minutes
        self._opens = cal.opens
        self._closes = cal.closes
        self._extra = frozenset(cal.holidays.extra)
        self._removed = frozenset(cal.holidays.removed)
        self._holiday_names: dict[int, dict[dt.date, str]] = {}
        self._lock = threading.RLock()
        self._years: dict[int, list[tuple[int, int]]] = {}
        self._table = _Table(0, -1, [], [], [], [])
        self._hot: _Hot = (0, -1, 0, (), (), [], [], (), 0, 1, ())  # see adder()

    # -- construction and caching -------------------------------------------------------------

    @classmethod
    def from_terms(cls, cal: Calendar) -> BusinessCalendar:
        """The shared calendar for a terms calendar (equal calendars share one instance)."""
        hit = cls._cache.get(id(cal))
        # The cache keeps `cal` alive, so its id cannot be reused while the entry exists.
        if hit is not None and hit[0] is cal:
            return hit[1]
        with cls._cache_lock:
            found = cls._by_value.get(cal)
            if found is None:
                found = cls._by_value[cal] = cls(cal)
            if len(cls._cache) > 256:
                cls._cache.clear()
            cls._cache[id(cal)] = (cal, found)
            return found

    def __repr__(self) -> str:
        c = self.calendar
        return (
            f"<BusinessCalendar {c.timezone} {','.join(c.business_days)} "
            f"{c.opens:%H:%M}-{c.closes:%H:%M} holidays={c.holidays.country or 'none'}>"
        )

    # -- days ----------------------------------------------------------------------------------

    def _holidays_of(self, year: int) -> dict[dt.date, str]:
        names = self._holiday_names.get(year)
        if names is None:
            names = {}
            spec = self.calendar.holidays
            if spec.country:
                # Observed dates: a Saturday holiday is taken on Friday, a Sunday one on Monday
                # (the package lists both the day itself and the "(observed)" day).
                found = holidays_lib.country_holidays(
                    spec.country, subdiv=spec.subdivision or None, years=year, observed=True
                )
                names = {d: n for d, n in found.items() if d.year == year}
            for d in self._extra:
                if d.year == year:
                    names[d] = names.get(d, "holiday observed by the vendor")
            for d in self._removed:
                names.pop(d, None)
            self._holiday_names[year] = names
        return names

    def holidays(self, year: int) -> dict[dt.date, str]:
        """Every holiday the vendor observes in `year`, with its name (a copy)."""
        return dict(self._holidays_of(year))

    def holiday_name(self, d: dt.date) -> str | None:
        """The holiday's name if the vendor observes one on date `d`, else None."""
        if isinstance(d, dt.datetime):
            raise TermsError("holiday_name() takes a date, not a datetime")
        return self._holidays_of(d.year).get(d)

    def is_business_day(self, d: dt.date) -> bool:
        """True for a business weekday that is not a holiday (in the calendar's own dates)."""
        return d.weekday() in self.weekdays and d not in self._holidays_of(d.year)

    def local(self, t: dt.datetime) -> dt.datetime:
        """`t` in the calendar's zone."""
        to_us(t)
        return t.astimezone(self.zone)

    # -- the interval table --------------------------------------------------------------------

    def _year_intervals(self, year: int) -> list[tuple[int, int]]:
        out = []
        holidays = self._holidays_of(year)
        opens, closes = self._opens, self._closes
        day = dt.date(year, 1, 1)
        one = dt.timedelta(days=1)
        while day.year == year:
            if day.weekday() in self.weekdays and day not in holidays:
                # Opening and closing are wall-clock times, so each is converted on its own:
                # on a DST day the interval stays 09:00-17:00 local, whatever its UTC length.
                start = self._wall_to_us(day, opens)
                end = self._wall_to_us(day, closes)
                if end > start:
                    out.append((start, end))
            day += one
        return out

    def _wall_to_us(self, day: dt.date, time: dt.time) -> int:
        """The first instant at which the wall clock on `day` shows `time` or later.

        A repeated wall time (clocks going back) means its first occurrence. A wall time that
        does not exist (clocks going forward) means the moment of the jump: a calendar that
        opens at 02:30 opens at 03:00 on the night 02:00 becomes 03:00.
        """
        wall = dt.datetime.combine(day, time)
        first = dt.datetime.combine(day, time, self.zone)  # fold=0: the earlier reading
        us = to_us(first)
        if from_us(us).astimezone(self.zone).replace(tzinfo=None) == wall:
            return us
        lo = to_us(first.replace(fold=1))  # before the jump, with the later offset
        hi = us  # after the jump, with the earlier offset
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if from_us(mid).astimezone(self.zone).replace(tzinfo=None) >= wall:
                hi = mid
            else:
                lo = mid
        return hi

    def _ensure(self, first: int, last: int) -> _Table:
        """Make the table cover local years first..last (and everything between)."""
        table = self._table
        if table.first_year <= first and last <= table.last_year:
            return table
        if first < _MIN_YEAR or last > _MAX_YEAR:
            raise TermsError(f"business time is computed for years {_MIN_YEAR}-{_MAX_YEAR} only")
        with self._lock:
            table = self._table
            if table.last_year >= table.first_year:
                first, last = min(first, table.first_year), max(last, table.last_year)
            for year in range(first, last + 1):
                if year not in self._years:
                    self._years[year] = self._year_intervals(year)
            starts: list[int] = []
            ends: list[int] = []
            cum: list[int] = []
            cum_end: list[int] = []
            total = 0
            for year in range(first, last + 1):
                for start, end in self._years[year]:
                    starts.append(start)
                    ends.append(end)
                    cum.append(total)
                    total += end - start
                    cum_end.append(total)
            if not starts:
                raise TermsError(f"the calendar has no business hours in {first}-{last}")
            margin = 366 * 86400 * US
            table = _Table(
                first,
                last,
                starts,
                ends,
                cum,
                cum_end,
                starts[0] + margin,
                starts[-1] - margin,
                **_build_indexes(starts, ends, cum_end),  # type: ignore[arg-type]
            )
            # One assignment each: readers see the old or the new table whole.
            self._table = table
            self._hot = (
                table.safe_from,
                table.safe_until,
                table.origin,
                table.day_first,
                table.starts_pad,
                table.ends,
                table.cum,
                table.cum_end_pad,
                table.cum_end[-1],
                table.width,
                table.bucket_first,
            )
            return table

    def _cover(self, *points: int) -> _Table:
        lo = min(points)
        hi = max(points)
        # Covering the UTC years plus one either side includes every local year involved.
        first = (EPOCH + dt.timedelta(microseconds=lo)).year - 1
        last = (EPOCH + dt.timedelta(microseconds=hi)).year + 1
        return self._ensure(first, last)

    def table(self, first_year: int, last_year: int) -> _Table:
        """The interval table covering at least these local years (used by the batch path)."""
        return self._ensure(first_year, last_year)

    def warm(self, first_year: int, last_year: int) -> None:
        """Build the table for these years now (e.g. at start-up)."""
        self._ensure(first_year, last_year)

    # -- positions: business time from the table's origin ---------------------------------------

    @staticmethod
    def _position(table: _Table, us: int) -> int:
        i = bisect_right(table.starts, us) - 1
        if i < 0:
            return 0
        if us < table.ends[i]:
            return table.cum[i] + us - table.starts[i]
        return table.cum_end[i]

    def _table_for(self, us: int) -> _Table:
        table = self._table
        if table.safe_from <= us <= table.safe_until:
            return table
        return self._cover(us)

    def _add_us(self, us: int, amount_us: int) -> int:
        if amount_us < 0:
            raise TermsError(f"business time to add must not be negative (got {amount_us} µs)")
        if amount_us == 0:
            return us
        table = self._table_for(us)
        target = self._position(table, us) + amount_us
        while target > table.cum_end[-1]:
            table = self._ensure(table.first_year, table.last_year + max(1, table_years(table)))
            target = self._position(table, us) + amount_us
        j = bisect_left(table.cum_end, target)
        # bisect_left: a budget that runs out exactly at closing ends at closing (17:00), not
        # at the next opening.
        return table.starts[j] + target - table.cum[j]

    def adder(self, amount_us: int) -> Callable[[dt.datetime], dt.datetime]:
        """A function t -> t + `amount_us` of business time, for the hot path of deadline().

        Same answers as add_duration(); it inlines the table lookups for instants well inside
        the table and hands anything else to _add_us. Everything received while closed (most
        of the week: nights, weekends, holidays) before opening i gets one and the same
        deadline, so that deadline is computed once per gap and kept.
        """
        if amount_us <= 0:
            raise TermsError("an adder needs a positive business duration")
        add_us = self._add_us
        day_us, fromtimestamp = _DAY_US, _fromtimestamp
        # (the table this cache belongs to, deadline per closed gap after interval i)
        closed_cache: list[Any] = [None, []]

        def add(t: dt.datetime) -> dt.datetime:
            try:
                us = (t - EPOCH) // _ONE_US
            except TypeError:
                raise _not_aware(t) from None
            hot = self._hot
            (lo, hi, origin, day_first, starts, ends, cum, cum_end, total, width, buckets) = hot
            if us < lo or us > hi:
                return from_us(add_us(us, amount_us))
            # Same steps as _position and _add_us, with the binary searches replaced by the
            # direct-address indexes of the table (`starts` and `cum_end` are padded).
            i = day_first[(us - origin) // day_us]
            while starts[i] <= us:
                i += 1
            i -= 1  # the last interval starting at or before `us` (>= 0 in the safe range)
            if us < ends[i]:
                target = cum[i] + us - starts[i] + amount_us  # open: counting starts now
            else:
                if closed_cache[0] is not hot:
                    closed_cache[1] = [None] * len(ends)
                    closed_cache[0] = hot
                known = closed_cache[1][i]
                if known is not None:
                    return known  # type: ignore[no-any-return]
                target = cum_end[i] + amount_us  # closed: counting starts at the next opening
            if target > total:
                return from_us(add_us(us, amount_us))
            j = buckets[target // width]
            while cum_end[j] < target:  # the first total reaching the target: ends at closing
                j += 1
            out = starts[j] + target - cum[j]
            result = from_us(out) if out % US else fromtimestamp(out // US, UTC)
            if us >= ends[i] and closed_cache[0] is hot:
                closed_cache[1][i] = result
            return result

        return add

    def _between_us(self, a: int, b: int) -> int:
        if b < a:
            raise TermsError("between(a, b) needs a <= b")
        table = self._table_for(a)
        if b > table.safe_until:
            table = self._cover(a, b)
        return self._position(table, b) - self._position(table, a)

    # -- the public operations -----------------------------------------------------------------

    def is_open(self, t: dt.datetime) -> bool:
        """True during business hours: opening time included, closing time excluded."""
        us = to_us(t)
        table = self._table_for(us)
        i = bisect_right(table.starts, us) - 1
        return i >= 0 and us < table.ends[i]

    def next_open(self, t: dt.datetime) -> dt.datetime:
        """`t` itself (in UTC) if open, else the next opening time."""
        us = to_us(t)
        table = self._table_for(us)
        i = bisect_right(table.starts, us) - 1
        if i >= 0 and us < table.ends[i]:
            return from_us(us)
        while i + 1 >= len(table.starts):
            table = self._ensure(table.first_year, table.last_year + 1)
        return from_us(table.starts[i + 1])

    def add(self, t: dt.datetime, minutes: int) -> dt.datetime:
        """`t` plus this many business minutes, in UTC.

        A budget that runs out exactly at closing ends at closing; `add(t, 0)` is `t`.
        """
        return from_us(self._add_us(to_us(t), minutes * 60 * US))

    def add_duration(self, t: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """`t` plus a business duration (to the microsecond), in UTC."""
        return from_us(self._add_us(to_us(t), duration // _ONE_US))

    def add_business_days(self, t: dt.datetime, n: int) -> dt.datetime:
        """`t` plus n business days, each the length of one business day (09:00-17:00 = 8 h).

        Terms: Tue 10:00 + 1 = Wed 10:00; Fri 18:00 + 1 = Mon 17:00 (Tue 17:00 if Monday is a
        holiday).
        """
        return self.add(t, n * self.day_minutes)

    def between(self, a: dt.datetime, b: dt.datetime) -> int:
        """Whole business minutes from a to b (a <= b), rounded down."""
        return self._between_us(to_us(a), to_us(b)) // (60 * US)

    def between_duration(self, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
        """Business time from a to b (a <= b), to the microsecond."""
        return dt.timedelta(microseconds=self._between_us(to_us(a), to_us(b)))

    def open_intervals(
        self, start: dt.datetime, end: dt.datetime
    ) -> list[tuple[dt.datetime, dt.datetime]]:
        """The open intervals that overlap [start, end), clipped to it, in UTC."""
        a, b = to_us(start), to_us(end)
        if b <= a:
            return []
        table = self._cover(a, b)
        i = max(bisect_right(table.starts, a) - 1, 0)
        out = []
        while i < len(table.starts) and table.starts[i] < b:
            lo, hi = max(table.starts[i], a), min(table.ends[i], b)
            if lo < hi:
                out.append((from_us(lo), from_us(hi)))
            i += 1
        return out


def table_years(table: _Table) -> int:
    return table.last_year - table.first_year + 1
