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
    "ChangeEffect",
    "Judged",
    "Judgement",
    "deadline",
    "explain",
    "first_judgement",
    "judge",
    "judged_deadline",
    "response_outcome",
    "rule_for",
    "unanswered_status",
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


ChangeEffect = Literal["raised", "lowered", "unchanged", "final"]


@dataclass(frozen=True, slots=True)
class Judgement:
    """A severity the vendor set, from its moment on (the initial severity's moment: receipt)."""

    severity: int
    at: dt.datetime  # aware UTC


@dataclass(frozen=True, slots=True)
class Judged:
    """Where a case's judgements stand after one more severity change."""

    judgements: tuple[Judgement, ...]
    deadline: dt.datetime | None
    effect: ChangeEffect


def first_judgement(severity: int, received: dt.datetime) -> tuple[Judgement, ...]:
    """The judgements of a case as received: its initial severity from receipt."""
    return (Judgement(severity, to_utc(received)),)


def judged_deadline(
    terms: Terms, level_key: str, judgements: tuple[Judgement, ...]
) -> dt.datetime | None:
    """The earliest over all judgements of moment + that severity's target (DESIGN.md §1).

    Reasonable efforts counts as never; None when no judgement has a target.
    """
    due = [d for j in judgements if (d := rule_for(terms, level_key, j.severity).deadline(j.at))]
    return min(due) if due else None


def judge(
    terms: Terms,
    level_key: str,
    judgements: tuple[Judgement, ...],
    severity: int,
    at: dt.datetime,
    *,
    first_response_at: dt.datetime | None = None,
) -> Judged:
    """The vendor sets `severity` at `at` (DESIGN.md §1, "Channels and initial severity").

    Raising adds a judgement at the change time: the deadline becomes min(current, at + target).
    Lowering to S re-reads every earlier judgement above S as S: the vendor says the case never
    was above S (with no raise before it, that is receipt + S's target). After the first
    response the outcome is final: the judgements stay as they were.
    """
    rule_for(terms, level_key, severity)  # an unknown level or severity is an error here too
    at = to_utc(at)
    current = judgements[-1].severity
    if first_response_at is not None and to_utc(first_response_at) <= at:
        return Judged(judgements, judged_deadline(terms, level_key, judgements), "final")
    if severity < current:  # raised: Severity 1 is the highest
        after = (*judgements, Judgement(severity, at))
        effect: ChangeEffect = "raised"
    elif severity > current:
        after = tuple(Judgement(max(j.severity, severity), j.at) for j in judgements)
        effect = "lowered"
    else:
        after, effect = judgements, "unchanged"
    return Judged(after, judged_deadline(terms, level_key, after), effect)


def to_utc(t: dt.datetime) -> dt.datetime:
    """An aware instant in UTC; a naive one is refused (NaiveDatetimeError)."""
    to_us(t)
    return t.astimezone(UTC)


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
    if unanswered_status(deadline, now) == "pending":
        return Outcome("pending")
    return Outcome("overdue", *_lateness(terms, level_key, deadline, now))


def unanswered_status(deadline: dt.datetime, now: dt.datetime) -> Literal["pending", "overdue"]:
    """A case with a deadline and no response yet: pending up to and at the deadline, overdue
    after. Reports mirror this in SQL (reports.queries.scope.unanswered)."""
    return "pending" if now <= deadline else "overdue"


def _lateness(
    terms: Terms, level_key: str, deadline: dt.datetime, until: dt.datetime
) -> tuple[dt.timedelta, dt.timedelta]:
    wall = until - deadline
    level = terms.level(level_key)
    if not level.business_hours_only:
        return wall, wall
    calendar = BusinessCalendar.from_terms(terms.calendar)
    return wall, calendar.between_duration(deadline, until)
