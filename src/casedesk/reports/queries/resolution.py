"""Time to resolution and resolution kinds per level × severity (issue 16). Statistics only:
the terms set no resolution target, so nothing here is "met" or "breached".

A case counts when it was received in the range and is resolved (a resolution kind is stored
and it has a resolution instant, `closed_at`). Its time to resolution runs from receipt to that
instant; the customer's share is the time inside its waiting periods (`casedesk.cases.waiting`,
the contract shared with the effort measures), the vendor's share the rest. Business time counts
business hours on business-hours levels and equals wall time on 24x7x365 levels, as the SLA
reports do. Two queries whatever the number of cases: the cases, then their status changes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from statistics import median

from django.db.models import QuerySet

from casedesk.cases.models import Case, CaseEvent, Resolution
from casedesk.cases.waiting import clip, waiting_periods

from .scope import Filters, TermsIndex, cases_in, to_us
from .times import business_minutes

KINDS = [r.value for r in Resolution if r != Resolution.NONE]
RESOLUTION_COLUMNS = (
    "level",
    "severity",
    "resolved",
    "median_hours",
    "median_business_hours",
    "vendor_hours",
    "customer_hours",
    "vendor_business_hours",
    "customer_business_hours",
    *KINDS,
)


@dataclass
class ResolutionRow:
    level: str
    label: str
    severity: int
    total: list[int] = field(default_factory=list)  # minutes per case, wall
    total_b: list[int] = field(default_factory=list)  # business
    waiting: int = 0  # summed minutes, wall
    waiting_b: int = 0
    kinds: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    @property
    def resolved(self) -> int:
        return len(self.total)

    def hours(self, minutes: float | None) -> float | None:
        return None if minutes is None else round(minutes / 60, 1)

    @property
    def median_hours(self) -> float | None:
        return self.hours(median(self.total)) if self.total else None

    @property
    def median_business_hours(self) -> float | None:
        return self.hours(median(self.total_b)) if self.total_b else None

    @property
    def vendor_hours(self) -> float | None:
        """Mean per resolved case of the vendor's time (total minus waiting on the customer)."""
        return self._mean(sum(self.total) - self.waiting)

    @property
    def customer_hours(self) -> float | None:
        return self._mean(self.waiting)

    @property
    def vendor_business_hours(self) -> float | None:
        return self._mean(sum(self.total_b) - self.waiting_b)

    @property
    def customer_business_hours(self) -> float | None:
        return self._mean(self.waiting_b)

    def _mean(self, minutes: int) -> float | None:
        return self.hours(minutes / self.resolved) if self.resolved else None

    def csv(self) -> list[str]:
        values = [getattr(self, c) for c in RESOLUTION_COLUMNS[2:9]]
        cells = [self.level, self.severity, *values, *(self.kinds[k] for k in KINDS)]
        return ["" if v is None else str(v) for v in cells]


def resolution_times(f: Filters, terms: TermsIndex) -> list[ResolutionRow]:
    resolved = cases_in(f).exclude(resolution="").filter(closed_at__isnull=False)
    fields = ("id", "level", "severity", "terms_version_id", "received_at", "closed_at")
    cases = list(resolved.values_list(*fields, "resolution"))
    if not cases:
        return []
    waits = _waiting(resolved, {c[0]: (c[4], c[5]) for c in cases})
    ids, levels = [c[3] for c in cases], [c[1] for c in cases]
    spans = business_minutes(
        terms, ids, levels, [to_us(c[4]) for c in cases], [to_us(c[5]) for c in cases]
    )
    rows: dict[tuple[str, int], ResolutionRow] = {}
    for i, (pk, level, severity, terms_id, received, done, kind) in enumerate(cases):
        row = rows.setdefault(
            (level, severity), ResolutionRow(level, terms.level_name(level), severity)
        )
        row.total.append(int((done - received).total_seconds() // 60))
        row.total_b.append(int(spans[i]))
        row.kinds[kind] = row.kinds.get(kind, 0) + 1
        periods = waits.get(pk, [])
        if periods:
            row.waiting += sum(int((b - a).total_seconds() // 60) for a, b in periods)
            n = len(periods)
            row.waiting_b += int(
                business_minutes(
                    terms,
                    [terms_id] * n,
                    [level] * n,
                    [to_us(a) for a, _ in periods],
                    [to_us(b) for _, b in periods],
                ).sum()
            )
    return sorted(rows.values(), key=lambda r: (terms.level_order(r.level), r.severity))


def _waiting(
    resolved: QuerySet[Case], spans: dict[int, tuple[dt.datetime, dt.datetime]]
) -> dict[int, list[tuple[dt.datetime, dt.datetime]]]:
    """Per case, its waiting periods inside receipt → resolution (one query for all cases)."""
    events = defaultdict(list)
    # Only events that may carry a status change: any with "to" in its data.
    for event in (
        CaseEvent.objects.filter(case__in=resolved.values("id"), data__has_key="to")
        .only("case_id", "at", "data", "kind")
        .order_by("at", "id")
    ):
        events[event.case_id].append(event)
    out = {}
    for pk, evs in events.items():
        start, end = spans[pk]
        out[pk] = [(p.start, p.end or end) for p in clip(waiting_periods(evs), start, end)]
    return out
