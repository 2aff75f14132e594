"""The cases behind a number on the overview, and their per-case rows (CSV, streamed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import numpy as np
from django.db.models import Q, QuerySet

from casedesk.cases.models import Case, Outcome, Status
from casedesk.terms import sla

from .scope import _MIN_US, Filters, TermsIndex, _month_expr, cases_in, to_us, unanswered
from .times import business_minutes

CASE_COLUMNS = (
    "tracking_number",
    "customer",
    "level",
    "severity",
    "channel",
    "status",
    "received_at",
    "response_deadline",
    "first_response_at",
    "outcome",
    "response_minutes",
    "response_business_minutes",
    "late_minutes",
    "late_business_minutes",
    "lowered_before_response",
    "severity_request",
    "exclusion_code",
    "kind",
    "environment",
    "resolution",
)

_CASE_FIELDS = (
    "tracking_number",
    "customer__name",
    "level",
    "severity",
    "channel",
    "status",
    "received_at",
    "response_deadline",
    "first_response_at",
    "response_outcome",
    "lowered_before_response",
    "severity_request",
    "exclusion_code",
    "terms_version_id",
    "kind",
    "environment",
    "resolution",
)


def case_rows_query(
    f: Filters,
    now: dt.datetime,
    *,
    severity: int | None = None,
    month: str = "",
    outcome: str = "",
) -> QuerySet[Case]:
    """The cases behind a number on the overview: same filters, plus one cell's own."""
    qs = cases_in(f)
    if severity:
        qs = qs.filter(severity=severity)
    if month:
        year, mon = (int(p) for p in month.split("-"))
        qs = qs.annotate(ym=_month_expr(f)).filter(ym=year * 100 + mon)
    by_outcome = {
        "met": Q(response_outcome=Outcome.MET),
        "breached": Q(response_outcome=Outcome.BREACHED),
        **unanswered(now),
        "reasonable": Q(response_outcome=Outcome.NO_TARGET),
        "with_deadline": Q(response_deadline__isnull=False),
        "lowered": Q(lowered_before_response=True),
        "excluded": Q(status=Status.EXCLUDED),
    }
    if outcome in by_outcome:
        qs = qs.filter(by_outcome[outcome])
    return qs.order_by("received_at", "id")


CASE_OUTCOMES = ("met", "breached", "pending", "overdue", "reasonable", "with_deadline", "lowered")


def case_rows(
    qs: QuerySet[Case], now: dt.datetime, terms: TermsIndex, *, chunk: int = 2000
) -> Iterator[dict[str, Any]]:
    """Per-case rows with outcome and minutes, computed a chunk at a time (for streaming)."""
    batch: list[tuple[Any, ...]] = []
    for values in qs.values_list(*_CASE_FIELDS).iterator(chunk_size=chunk):
        batch.append(values)
        if len(batch) == chunk:
            yield from _rows_of(batch, now, terms)
            batch = []
    if batch:
        yield from _rows_of(batch, now, terms)


def _rows_of(batch: list[tuple[Any, ...]], now: dt.datetime, terms: TermsIndex) -> list[dict]:
    now_us = to_us(now)
    spans: list[tuple[int, int, int, int]] = []  # received, first reply or now, late from, to
    outcomes = []
    for v in batch:
        received, deadline, first = to_us(v[6]), v[7], v[8]
        status = _status(v[9], deadline, now)
        end = to_us(first) if first else now_us
        late = to_us(deadline) if status in ("breached", "overdue") else end
        spans.append((received, end, late, end))
        outcomes.append(status)
    ids = [v[13] for v in batch]
    levels = [v[2] for v in batch]
    arr = np.array(spans, dtype=np.int64).reshape(-1, 4)
    resp_b = business_minutes(terms, ids, levels, arr[:, 0], arr[:, 1])
    late_b = business_minutes(terms, ids, levels, arr[:, 2], arr[:, 3])
    out = []
    for i, v in enumerate(batch):
        responded, late = v[8] is not None, outcomes[i] in ("breached", "overdue")
        out.append(
            {
                "tracking_number": v[0],
                "customer": v[1],
                "level": v[2],
                "severity": v[3],
                "channel": v[4],
                "status": v[5],
                "received_at": v[6],
                "response_deadline": v[7],
                "first_response_at": v[8],
                "outcome": outcomes[i],
                "response_minutes": (arr[i, 1] - arr[i, 0]) // _MIN_US if responded else None,
                "response_business_minutes": int(resp_b[i]) if responded else None,
                "late_minutes": (arr[i, 3] - arr[i, 2]) // _MIN_US if late else None,
                "late_business_minutes": int(late_b[i]) if late else None,
                "lowered_before_response": v[10],
                "severity_request": v[11],
                "exclusion_code": v[12],
                "kind": v[14],
                "environment": v[15],
                "resolution": v[16],
            }
        )
    return out


def _status(stored: str, deadline: dt.datetime | None, now: dt.datetime) -> str:
    if stored == Outcome.NO_TARGET:
        return "reasonable_efforts"
    if stored:
        return stored
    if deadline is None:
        return "overdue"
    return sla.unanswered_status(deadline, now)
