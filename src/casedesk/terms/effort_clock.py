"""The effort clock: how long a case went without engineer activity, as the terms count it.

Pure: every function takes aware datetimes (and the activity and waiting periods as lists) and
returns values; "now" is always an argument. DESIGN.md §1 "After the first response":
- coverage `continuous` on a 24x7x365 level counts wall time (Terms: Sev 1 "continuous efforts
  during all hours"); on a business-hours level it counts business time, the level's own hours.
- coverage `business_hours` counts business time on the terms calendar, whatever the level.
- coverage `none` (or no interval) never makes a case quiet.
- An interval written in business days is N business-day lengths of business time.
- Time waiting on the customer (`pauses`) never counts: the vendor owes nothing while it waits.
Update targets use the same clock as the effort of their level and severity (business time when
that effort is `none`): a public update due every N, paused while waiting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .calendar import UTC, BusinessCalendar, to_us
from .document import SEVERITIES, Terms
from .durations import Target
from .effort import Coverage, setting_for, update_target_for
from .errors import TermsError

Counting = Literal["wall", "business", "none"]
# A waiting period: from the status change to "waiting" until the next status change (None:
# still waiting).
Pause = tuple[dt.datetime, dt.datetime | None]
_ZERO = dt.timedelta(0)


@dataclass(frozen=True, slots=True, eq=False)
class EffortRule:
    """The effort (or update) clock of one level and severity."""

    coverage: Coverage
    counting: Counting
    interval: dt.timedelta | None  # on this clock; None: never due
    target: Target | None  # as written, for display
    calendar: BusinessCalendar

    @property
    def clock_words(self) -> str:
        if self.counting == "wall":
            return "wall time, all hours (24x7)"
        if self.counting == "business":
            c = self.calendar.calendar
            return f"business hours ({c.opens:%H:%M}-{c.closes:%H:%M} {c.timezone})"
        return "no effort clock"

    def elapsed(self, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
        """Clock time from a to b (zero when b is not after a)."""
        if self.counting == "none" or to_us(b) <= to_us(a):
            return _ZERO
        if self.counting == "wall":
            return b - a  # aware instants: a difference in UTC, right across DST
        return self.calendar.between_duration(a, b)

    def add(self, t: dt.datetime, amount: dt.timedelta) -> dt.datetime:
        if self.counting == "business":
            return self.calendar.add_duration(t, amount)
        return t.astimezone(UTC) + amount


def _rule(terms: Terms, level_key: str, coverage: Coverage, target: Target | None) -> EffortRule:
    level = terms.level(level_key)
    calendar = BusinessCalendar.from_terms(terms.calendar)
    counting: Counting
    if coverage == "none" or target is None:
        return EffortRule(coverage, "none", None, target, calendar)
    if target.clock == "business_days":
        counting, minutes = "business", target.amount * calendar.day_minutes
    elif coverage == "continuous" and not level.business_hours_only:
        counting, minutes = "wall", target.amount
    else:
        counting, minutes = "business", target.amount
    return EffortRule(coverage, counting, dt.timedelta(minutes=minutes), target, calendar)


def _check_severity(severity: int) -> None:
    if severity.__class__ is not int or severity not in SEVERITIES:
        raise TermsError(f"{severity!r} is not a severity (use 1 to 4)")


def effort_rule(terms: Terms, level_key: str, severity: int) -> EffortRule:
    """The effort clock and quiet interval of a level and severity."""
    _check_severity(severity)
    terms.level(level_key)
    coverage, interval = setting_for(terms.effort, level_key, severity)
    return _rule(terms, level_key, coverage, interval)


def update_rule(terms: Terms, level_key: str, severity: int) -> EffortRule | None:
    """The update target's clock; None when the terms set no update target here."""
    _check_severity(severity)
    terms.level(level_key)
    target = update_target_for(terms.updates, level_key, severity)
    if target is None:
        return None
    coverage, _ = setting_for(terms.effort, level_key, severity)
    # Updates are promised even where the effort is "none": count them in business time then.
    return _rule(terms, level_key, "business_hours" if coverage == "none" else coverage, target)


def counted(
    rule: EffortRule, a: dt.datetime, b: dt.datetime, pauses: Sequence[Pause]
) -> dt.timedelta:
    """Clock time from a to b, less the waiting periods."""
    total, t = _ZERO, a
    for start, end in sorted(pauses, key=lambda p: p[0]):
        if end is not None and end <= t:
            continue
        if start >= b:
            break
        total += rule.elapsed(t, max(start, t))
        if end is None:
            return total
        t = max(t, end)
    return total + rule.elapsed(t, b)


def due(
    rule: EffortRule, start: dt.datetime, pauses: Sequence[Pause], factor: int = 1
) -> dt.datetime | None:
    """When `factor` x the interval has run on the clock from `start`, skipping the waiting
    periods; None when the rule is never due or the case is still waiting."""
    if rule.interval is None:
        return None
    left, t = rule.interval * factor, start
    for p_start, p_end in sorted(pauses, key=lambda p: p[0]):
        if p_end is not None and p_end <= t:
            continue
        reached = rule.add(t, left)
        if reached <= p_start:
            return reached
        left -= rule.elapsed(t, max(p_start, t))
        if p_end is None:
            return None  # waiting now: nothing is due until the customer answers
        t = max(t, p_end)
    return rule.add(t, left)


@dataclass(frozen=True, slots=True)
class Gap:
    """The time between two engineer activities (or the last one and `until`)."""

    start: dt.datetime
    end: dt.datetime
    ongoing: bool  # ends at `until`, not at an activity
    counted: dt.timedelta  # on the effort clock, less waiting
    quiet_at: dt.datetime | None  # when the interval ran out inside this gap
    escalate_at: dt.datetime | None  # when twice the interval ran out inside this gap
    interval: dt.timedelta

    @property
    def quiet(self) -> bool:
        return self.quiet_at is not None

    @property
    def quiet_for(self) -> dt.timedelta:
        """Clock time past the interval: how long the case was quiet."""
        return max(self.counted - self.interval, _ZERO) if self.quiet else _ZERO


def gaps(
    rule: EffortRule,
    activity: Sequence[dt.datetime],
    until: dt.datetime,
    pauses: Sequence[Pause] = (),
) -> list[Gap]:
    """The gaps between consecutive activities (the first one: the first response), and from the
    last activity to `until` (now, or when the case closed)."""
    marks = sorted(activity)
    out = []
    for n, start in enumerate(marks):
        ongoing = n + 1 == len(marks)
        # Activity after `until` (a note on a closed case) makes an empty gap, kept so that
        # gaps and activities pair up one to one.
        end = max(until if ongoing else marks[n + 1], start)
        quiet = due(rule, start, pauses)
        twice = due(rule, start, pauses, 2)
        out.append(
            Gap(
                start,
                end,
                ongoing,
                counted(rule, start, end, pauses),
                quiet if quiet is not None and quiet < end else None,
                twice if twice is not None and twice < end else None,
                rule.interval or _ZERO,
            )
        )
    return out
