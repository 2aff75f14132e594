"""Effort after the first response: quiet periods per level and severity (how often, how long)
and update-target attainment, from the cases' events (cases.effort), as the case page shows them.

Two queries whatever the range: the answered cases, then their events; the periods are computed
in Python by the pure effort clock. Definitions are printed with the report (DEFINITIONS).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from casedesk.cases.effort import history
from casedesk.cases.models import CaseEvent
from casedesk.terms.effort_clock import Gap

from .scope import Filters, TermsIndex, cases_in

DEFINITIONS = {
    "quiet": (
        "quiet period: after the first response, engineer activity (public reply, internal "
        "note, status change, patch delivery) stopped for longer than the effort interval on the "
        "effort clock; its length is the clock time past the interval, up to the next activity "
        "(or now, or the case's closing). Waiting on the customer does not count."
    ),
    "updates": (
        "update attainment = attained ÷ (attained + missed): an update period is attained when "
        "the next public reply came by the update target, missed when the target passed first. "
        "Only levels and severities with update targets in their terms count."
    ),
}
CSV_COLUMNS = [
    "level",
    "severity",
    "answered_cases",
    "quiet_cases",
    "quiet_periods",
    "quiet_total_minutes",
    "quiet_median_minutes",
    "quiet_longest_minutes",
    "updates_attained",
    "updates_missed",
    "update_attainment",
]


@dataclass
class EffortRow:
    level: str
    label: str
    severity: int
    answered: int = 0
    quiet_cases: int = 0
    quiet: list[dt.timedelta] = field(default_factory=list)
    attained: int = 0
    missed: int = 0

    @property
    def periods(self) -> int:
        return len(self.quiet)

    @property
    def total(self) -> dt.timedelta:
        return sum(self.quiet, dt.timedelta(0))

    @property
    def median(self) -> dt.timedelta | None:
        """Nearest-rank median: a real period's length."""
        ordered = sorted(self.quiet)
        return ordered[(len(ordered) - 1) // 2] if ordered else None

    @property
    def longest(self) -> dt.timedelta | None:
        return max(self.quiet, default=None)

    def minutes(self, which: str) -> int | None:
        value = {"total": self.total, "median": self.median, "longest": self.longest}[which]
        return None if value is None else int(value.total_seconds() // 60)

    @property
    def total_minutes(self) -> int | None:
        return self.minutes("total") if self.quiet else None

    @property
    def median_minutes(self) -> int | None:
        return self.minutes("median")

    @property
    def longest_minutes(self) -> int | None:
        return self.minutes("longest")

    @property
    def attainment_percent(self) -> float | None:
        return None if self.attainment is None else self.attainment * 100

    @property
    def attainment(self) -> float | None:
        decided = self.attained + self.missed
        return self.attained / decided if decided else None


def effort_report(f: Filters, now: dt.datetime, terms: TermsIndex) -> list[EffortRow]:
    cases = list(
        cases_in(f).filter(first_response_at__isnull=False).select_related("terms_version")
    )
    events: dict[int, list[CaseEvent]] = defaultdict(list)
    for event in CaseEvent.objects.filter(case__in=[c.pk for c in cases]).order_by("at", "id"):
        events[event.case_id].append(event)
    rows: dict[tuple[str, int], EffortRow] = {}
    for case in cases:
        h = history(case, events[case.pk])
        key = (case.level, h.severity)
        row = rows.setdefault(key, EffortRow(case.level, terms.level_name(case.level), h.severity))
        _add(row, h.gaps(now), h.update_gaps(now))
    return sorted(rows.values(), key=lambda r: (terms.level_order(r.level), r.severity))


def _add(row: EffortRow, gaps: list[Gap], update_gaps: list[Gap]) -> None:
    row.answered += 1
    quiet = [g.quiet_for for g in gaps if g.quiet]
    row.quiet_cases += bool(quiet)
    row.quiet += quiet
    for gap in update_gaps:
        if gap.quiet:
            row.missed += 1
        elif not gap.ongoing:
            row.attained += 1


def _minutes(delta: dt.timedelta | None) -> str:
    return "" if delta is None else str(int(delta.total_seconds() // 60))


def csv_lines(rows: list[EffortRow]) -> list[list[str]]:
    lines = [CSV_COLUMNS]
    for r in rows:
        rate = "" if r.attainment is None else f"{r.attainment:.3f}"
        lines.append(
            [
                r.level,
                str(r.severity),
                str(r.answered),
                str(r.quiet_cases),
                str(r.periods),
                _minutes(r.total),
                _minutes(r.median),
                _minutes(r.longest),
                str(r.attained),
                str(r.missed),
                rate,
            ]
        )
    return lines
