"""The response clock: deadlines, the severity-change rule and response outcomes.

All functions take aware datetimes and return aware UTC datetimes or frozen dataclasses; "now"
is always an argument. Rules: DESIGN.md §1 "Response targets" and "Channels and initial severity".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from .calendar import UTC, BusinessCalendar, to_us
from .document import Terms
from .explain import Explanation, Step, explain
from .rules import _BY_TERMS, Rule, rule_for, rules_of

__all__ = [
    "Explanation",
    "Outcome",
    "OutcomeStatus",
    "Rule",
    "Step",
    "changed_deadline",
    "deadline",
    "explain",
    "response_outcome",
    "rule_for",
]

OutcomeStatus = Literal["met", "breached", "pending", "overdue", "no_target"]


def deadline(
    terms: Terms, level_key: str, severity: int, received: dt.datetime
) -> dt.datetime | None:
    """When the first response is due for a case received at `received`; None: no deadline."""
    # The hot path of reports and the bench: two dict lookups, then the rule's own function.
    entry = _BY_TERMS.get(id(terms))
    table = entry[1] if entry is not None and entry[0] is terms else rules_of(terms)
    try:
        rule = table[level_key][severity]
    except (KeyError, TypeError):
        rule = rule_for(terms, level_key, severity)  # raises, naming the bad level or severity
    if severity.__class__ is not int:  # True == 1 and 1.0 == 1 as dict keys; neither is a severity
        rule = rule_for(terms, level_key, severity)
    return rule.compute(received)


def changed_deadline(
    terms: Terms,
    level_key: str,
    *,
    received: dt.datetime,
    current_deadline: dt.datetime | None,
    changed_at: dt.datetime,
    old_severity: int,
    new_severity: int,
    first_response_at: dt.datetime | None,
) -> dt.datetime | None:
    """The deadline after the vendor changes a case's severity (DESIGN.md §1).

    Before the first response, raising the severity (a lower number) gives the earlier of the
    current deadline (None counts as never) and change time + new target; lowering it gives
    receipt + new target. After the first response the outcome is final: nothing changes.
    """
    for t in (received, changed_at, current_deadline, first_response_at):
        if t is not None:
            to_us(t)
    old = rule_for(terms, level_key, old_severity)
    new = rule_for(terms, level_key, new_severity)
    current = current_deadline.astimezone(UTC) if current_deadline is not None else None
    if first_response_at is not None or new.severity == old.severity:
        return current
    if new.severity < old.severity:  # raised: Severity 1 is the highest
        candidate = new.deadline(changed_at)
        if candidate is None:
            return current
        if current is None:
            return candidate
        return min(current, candidate)
    return new.deadline(received)  # lowered


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a case's first response went against its deadline.

    `late_by` is wall time past the deadline (for "breached", and for "overdue" so far);
    `late_by_business` is the same span in business time on the level's calendar (equal to
    `late_by` on 24x7x365 levels). Both are None for "met", "pending" and "no_target".
    """

    status: OutcomeStatus
    late_by: dt.timedelta | None = None
    late_by_business: dt.timedelta | None = None

    @property
    def is_breach(self) -> bool:
        return self.status in ("breached", "overdue")


def response_outcome(
    terms: Terms,
    level_key: str,
    deadline: dt.datetime | None,
    responded_at: dt.datetime | None,
    now: dt.datetime,
) -> Outcome:
    """Met / breached (with how late), pending / overdue, or no_target (reasonable efforts)."""
    terms.level(level_key)  # an unknown level is an error even without a deadline
    for t in (deadline, responded_at, now):
        if t is not None:
            to_us(t)
    if deadline is None:
        return Outcome("no_target")
    if responded_at is not None:
        if responded_at <= deadline:
            return Outcome("met")
        return Outcome("breached", *_lateness(terms, level_key, deadline, responded_at))
    if now <= deadline:
        return Outcome("pending")
    return Outcome("overdue", *_lateness(terms, level_key, deadline, now))


def _lateness(
    terms: Terms, level_key: str, deadline: dt.datetime, until: dt.datetime
) -> tuple[dt.timedelta, dt.timedelta]:
    wall = until - deadline
    level = terms.level(level_key)
    if not level.business_hours_only:
        return wall, wall
    calendar = BusinessCalendar.from_terms(terms.calendar)
    return wall, calendar.between_duration(deadline, until)
