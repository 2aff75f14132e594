"""Why a deadline is what it is: the steps behind it, as data and as sentences.

Every interface (CLI, case page, API) renders these same steps. Days are classified in the
calendar's own zone (a weekend is a Pacific weekend); times are shown in the viewer's zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .calendar import US, UTC, BusinessCalendar, from_us, to_us
from .document import Terms
from .durations import ClockKind
from .errors import TermsError
from .rules import Rule, rule_for

StepKind = Literal[
    "received", "counted", "closed", "weekend", "holiday", "dst", "due", "no_deadline"
]
_ORDER = {"received": 0, "dst": 2, "due": 9}  # ties at one instant: received first, due last


@dataclass(frozen=True, slots=True)
class Step:
    """One step of an explanation: what happened between `start` and `end` (aware UTC)."""

    kind: StepKind
    start: dt.datetime
    end: dt.datetime
    text: str


@dataclass(frozen=True, slots=True)
class Explanation:
    steps: tuple[Step, ...]
    deadline: dt.datetime | None
    clock: ClockKind
    tz: str

    def text(self) -> str:
        """The steps as one line a customer can read, e.g. "received ...; due ..."."""
        return "; ".join(step.text for step in self.steps)


def explain(
    terms: Terms, level_key: str, severity: int, received: dt.datetime, tz: str | None = None
) -> Explanation:
    """The steps from receipt to deadline; times are shown in `tz` (default: calendar zone)."""
    rule = rule_for(terms, level_key, severity)
    to_us(received)
    view = _zone(tz or terms.calendar.timezone)
    received = received.astimezone(UTC)
    due = rule.deadline(received)
    steps = [Step("received", received, received, f"received {_when(received, view)}")]
    if due is None:
        steps.append(Step("no_deadline", received, received, f"no deadline: {rule.target}"))
        return Explanation(tuple(steps), None, rule.clock, view.key)
    if rule.counting == "wall":
        steps.append(Step("counted", received, due, f"target {rule.target}, 24x7"))
    else:
        steps.extend(_business_steps(rule, received, due, view))
    steps.extend(_dst_steps(received, due, {view, rule.calendar.zone}, view))
    steps.append(Step("due", due, due, f"due {_when(due, view)}"))
    steps.sort(key=lambda s: (s.start, _ORDER.get(s.kind, 5)))
    return Explanation(tuple(steps), due, rule.clock, view.key)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise TermsError(f'"{name}" is not an IANA time zone (e.g. "America/New_York")') from None


# -- business clocks ---------------------------------------------------------------------------


def _business_steps(
    rule: Rule, received: dt.datetime, due: dt.datetime, view: ZoneInfo
) -> list[Step]:
    cal = rule.calendar
    intervals = cal.open_intervals(received, due)
    counted = sum((to_us(e) - to_us(s) for s, e in intervals), 0)
    if counted != rule.amount_us:  # pragma: no cover - the table and this walk must agree
        raise TermsError(f"explain counted {counted} µs, expected {rule.amount_us} µs")
    steps: list[Step] = []
    previous = received
    for n, (start, end) in enumerate(intervals):
        if n == 0 and start > received:
            steps.extend(_first_gap(cal, received, start, view))
        elif n > 0:
            steps.extend(_closed_days(cal, previous, start, view))
        steps.append(_counted(cal, start, end, received, view))
        previous = end
    return steps


def _counted(
    cal: BusinessCalendar,
    start: dt.datetime,
    end: dt.datetime,
    received: dt.datetime,
    view: ZoneInfo,
) -> Step:
    amount = _duration(to_us(end) - to_us(start))
    local_start = start.astimezone(view)
    if start == received and not _is_opening(cal, start):
        local_end = end.astimezone(view)
        until = _clock(local_end) if local_end.date() == local_start.date() else _when(end, view)
        return Step("counted", start, end, f"{amount} counted until {until}")
    return Step(
        "counted",
        start,
        end,
        f"{amount} counted on {_day(local_start.date())} from {_clock(local_start)}",
    )


def _is_opening(cal: BusinessCalendar, t: dt.datetime) -> bool:
    local = t.astimezone(cal.zone)
    return local.time() == cal.calendar.opens and cal.is_business_day(local.date())


def _first_gap(
    cal: BusinessCalendar, received: dt.datetime, opening: dt.datetime, view: ZoneInfo
) -> list[Step]:
    """Closed time between receipt and the first opening: named days, or "closed until"."""
    steps = _closed_days(cal, received, opening, view, include_first=True)
    if steps:
        return steps
    local_open = opening.astimezone(view)
    same_day = local_open.date() == received.astimezone(view).date()
    until = _clock(local_open) if same_day else _when(opening, view, zone_name=False)
    return [Step("closed", received, opening, f"closed until {until}")]


def _closed_days(
    cal: BusinessCalendar,
    after: dt.datetime,
    before: dt.datetime,
    view: ZoneInfo,
    include_first: bool = False,
) -> list[Step]:
    """Whole closed days (weekends, holidays) between two instants, in calendar dates."""
    first = after.astimezone(cal.zone).date()
    last = before.astimezone(cal.zone).date()
    day = first if include_first and not cal.is_business_day(first) else first + _DAY
    runs: list[tuple[str, list[dt.date]]] = []
    while day < last:
        if day.weekday() not in cal.weekdays:
            if runs and runs[-1][0] == "weekend" and runs[-1][1][-1] == day - _DAY:
                runs[-1][1].append(day)
            else:
                runs.append(("weekend", [day]))
        else:
            runs.append(("holiday", [day]))
        day += _DAY
    return [_closed_run(cal, kind, days, after, before) for kind, days in runs]


_DAY = dt.timedelta(days=1)


def _closed_run(
    cal: BusinessCalendar, kind: str, days: list[dt.date], after: dt.datetime, before: dt.datetime
) -> Step:
    # The run spans its local days, clipped to the gap (a case received on Saturday morning).
    start = max(dt.datetime.combine(days[0], dt.time(), cal.zone).astimezone(UTC), after)
    end = min(dt.datetime.combine(days[-1] + _DAY, dt.time(), cal.zone).astimezone(UTC), before)
    if kind == "holiday":
        name = cal.holiday_name(days[0]) or "holiday"
        return Step("holiday", start, end, f"{_day(days[0])} closed: {name}")
    label = f"{days[0]:%a}–{days[-1]:%a}" if len(days) > 1 else f"{days[0]:%a}"
    return Step("weekend", start, end, f"{label} closed")


# -- DST shifts --------------------------------------------------------------------------------


def _dst_steps(
    start: dt.datetime, end: dt.datetime, zones: set[ZoneInfo], view: ZoneInfo
) -> list[Step]:
    steps: list[Step] = []
    for zone in sorted(zones, key=lambda z: z.key):
        for at in _transitions(zone, to_us(start), to_us(end)):
            steps.append(_dst_step(zone, at, view))
    return steps


def _offset(zone: ZoneInfo, us: int) -> dt.timedelta:
    return from_us(us).astimezone(zone).utcoffset() or dt.timedelta()


def _transitions(zone: ZoneInfo, a: int, b: int) -> list[int]:
    """Instants (epoch µs) in (a, b] where the zone's UTC offset changes."""
    found = []
    step = 6 * 3600 * US  # zones change offset at most every few weeks
    lo = a
    while lo < b:
        hi = min(lo + step, b)
        if _offset(zone, lo) != _offset(zone, hi):
            x, y = lo, hi  # offset(x) is the old one, offset(y) the new one
            while y - x > US:
                mid = (x + y) // 2
                if _offset(zone, mid) == _offset(zone, lo):
                    x = mid
                else:
                    y = mid
            found.append(y - y % US)
        lo = hi
    return found


def _dst_step(zone: ZoneInfo, at_us: int, view: ZoneInfo) -> Step:
    at = from_us(at_us)
    before = from_us(at_us - 1).astimezone(zone)
    after = at.astimezone(zone)
    shift = (after.utcoffset() or dt.timedelta()) - (before.utcoffset() or dt.timedelta())
    direction = "forward" if shift > dt.timedelta() else "back"
    wall_before = (at.replace(tzinfo=None) + (before.utcoffset() or dt.timedelta())).time()
    where = "" if zone == view else f" in {zone.key}"
    text = (
        f"{_day(after.date())}: clocks go {direction} {_duration(abs(shift) // dt.timedelta(microseconds=1))}"
        f"{where} at {wall_before:%H:%M} {before:%Z}, to {after:%H:%M} {after:%Z}"
    )
    return Step("dst", at, at, text)


# -- formatting --------------------------------------------------------------------------------


def _day(d: dt.date) -> str:
    return f"{d:%a} {d.day} {d:%b}"


def _clock(t: dt.datetime) -> str:
    return f"{t:%H:%M:%S}" if t.second or t.microsecond else f"{t:%H:%M}"


def _when(t: dt.datetime, view: ZoneInfo, zone_name: bool = True) -> str:
    local = t.astimezone(view)
    text = f"{_day(local.date())} {_clock(local)}"
    return f"{text} {local:%Z}" if zone_name else text


def _duration(us: int) -> str:
    """Business or wall time as "7 h 30 min" (seconds only when there are any)."""
    seconds, rest = divmod(us, US)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    parts = []
    if hours:
        parts.append(f"{hours} h")
    if minutes:
        parts.append(f"{minutes} min")
    if seconds or rest or not parts:
        parts.append(f"{seconds + rest / US:g} s")
    return " ".join(parts)
