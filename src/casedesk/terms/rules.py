"""How one (level, severity) of a terms document counts its response time: resolved once, cached.

Coverage rule (DESIGN.md §1, "Response targets"):
- `elapsed` targets on a 24x7x365 level count wall-clock time: received + N minutes, in UTC.
- `elapsed` targets on a business-hours level count N minutes of *business* time. The default
  terms have none, but a custom file may ("Standard Sev 1 = 4 hours"); a business-hours level
  promises nothing outside business hours, so its minutes only run while the vendor is open.
- `business_days` targets always count N x the business-day length in business hours, whatever
  the coverage (Premium Sev 3 = 1 business day, even though Premium is 24x7).
- `reasonable_efforts` has no deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from .calendar import US, UTC, BusinessCalendar, _not_aware
from .document import SEVERITIES, Level, Terms
from .durations import ClockKind, Target
from .errors import TermsError

Counting = Literal["wall", "business", "none"]


@dataclass(frozen=True, slots=True, eq=False)
class Rule:
    """The resolved response target of one level and severity."""

    terms: Terms
    level_key: str
    level: Level
    severity: int
    target: Target
    counting: Counting
    amount_us: int  # the budget in microseconds (wall or business); 0 for "none"
    calendar: BusinessCalendar
    # received -> deadline (aware UTC) or None; built once per rule by _compile.
    compute: Callable[[dt.datetime], dt.datetime | None] = field(repr=False)

    @property
    def clock(self) -> ClockKind:
        return self.target.clock

    def deadline(self, received: dt.datetime) -> dt.datetime | None:
        return self.compute(received)

    def deadline_us(self, received_us: int) -> int | None:
        if self.counting == "wall":
            return received_us + self.amount_us
        if self.counting == "business":
            return self.calendar._add_us(received_us, self.amount_us)
        return None


def _check_aware(received: dt.datetime) -> None:
    tz = getattr(received, "tzinfo", None)
    if tz is None or (tz is not UTC and received.utcoffset() is None):
        raise _not_aware(received)


def _compile(
    counting: Counting, amount_us: int, calendar: BusinessCalendar
) -> Callable[[dt.datetime], dt.datetime | None]:
    if counting == "business":
        return calendar.adder(amount_us)
    if counting == "none":

        def none(received: dt.datetime) -> None:
            _check_aware(received)
            return None

        return none
    delta = dt.timedelta(microseconds=amount_us)

    def wall(received: dt.datetime) -> dt.datetime:
        # Durations in UTC: adding to a local datetime would be wrong across a DST change.
        if received.tzinfo is UTC:
            return received + delta
        _check_aware(received)
        return received.astimezone(UTC) + delta

    return wall


_RULES: dict[tuple[int, str, int], Rule] = {}


def rule_for(terms: Terms, level_key: str, severity: int) -> Rule:
    """The cached Rule for a level and severity of these terms; TermsError if either is unknown."""
    if severity.__class__ is not int:  # True and 1.0 would hit Severity 1's cache entry
        raise TermsError(f"{severity!r} is not a severity (use 1 to 4)")
    rule = _RULES.get((id(terms), level_key, severity))
    # Each Rule holds its terms, so the id in the key cannot be reused while the entry exists.
    if rule is not None and rule.terms is terms:
        return rule
    rule = _make_rule(terms, level_key, severity)
    if len(_RULES) > 4096:
        _RULES.clear()
    _RULES[(id(terms), level_key, severity)] = rule
    return rule


_BY_TERMS: dict[int, tuple[Terms, dict[str, dict[int, Rule]]]] = {}


def rules_of(terms: Terms) -> dict[str, dict[int, Rule]]:
    """Every rule of these terms by level key and severity: the hot path's lookup table."""
    entry = _BY_TERMS.get(id(terms))
    if entry is not None and entry[0] is terms:
        return entry[1]
    table = {key: {sev: rule_for(terms, key, sev) for sev in SEVERITIES} for key in terms.levels}
    if len(_BY_TERMS) > 256:
        _BY_TERMS.clear()
    _BY_TERMS[id(terms)] = (terms, table)  # holds `terms`, so its id stays unique
    return table


def _make_rule(terms: Terms, level_key: str, severity: int) -> Rule:
    level = terms.level(level_key)
    if isinstance(severity, bool) or not isinstance(severity, int) or severity not in SEVERITIES:
        raise TermsError(f"{severity!r} is not a severity (use 1 to 4)")
    target = level.target(severity)
    calendar = BusinessCalendar.from_terms(terms.calendar)
    counting: Counting
    if target.clock == "reasonable_efforts":
        counting, amount_us = "none", 0
    elif target.clock == "business_days":
        counting, amount_us = "business", target.amount * calendar.day_minutes * 60 * US
    elif level.business_hours_only:
        # A business-hours level counts even an elapsed target in business hours (see above).
        counting, amount_us = "business", target.amount * 60 * US
    else:
        counting, amount_us = "wall", target.amount * 60 * US
    compute = _compile(counting, amount_us, calendar)
    return Rule(terms, level_key, level, severity, target, counting, amount_us, calendar, compute)
