"""Response times per responded case as numpy arrays: percentiles, lateness, business time."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db.models import QuerySet

from casedesk.cases.models import Case, Outcome
from casedesk.terms.batch import between_minutes
from casedesk.terms.calendar import BusinessCalendar

from .epoch import EpochMicros
from .scope import _MIN_US, Filters, TermsIndex, _month_starts, to_us

if TYPE_CHECKING:
    from .attainment import Row


@dataclass
class _Times:
    """Per responded case: group keys and minutes, as numpy arrays (one row per case)."""

    level: np.ndarray
    severity: np.ndarray
    customer: np.ndarray
    month: np.ndarray
    has_deadline: np.ndarray
    breached: np.ndarray
    wall: np.ndarray
    business: np.ndarray
    late_wall: np.ndarray
    late_business: np.ndarray

    def mask(self, key: tuple[Any, ...]) -> np.ndarray:
        if key[0] == "level":
            return (self.level == key[1][0]) & (self.severity == key[1][1])
        if key[0] == "customer":
            return self.customer == key[1]
        if key[0] == "month":
            return self.month == key[1]
        return np.ones(self.wall.shape, dtype=bool)

    def fill(self, row: Row) -> None:
        m = self.mask(row.key)
        timed = m & self.has_deadline
        row.median_wall, row.p90_wall = _nearest_rank(self.wall[timed])
        row.median_business, row.p90_business = _nearest_rank(self.business[timed])
        late = m & self.breached
        row.mean_late_wall = _mean(self.late_wall[late])
        row.mean_late_business = _mean(self.late_business[late])
        re = m & ~self.has_deadline
        row.reasonable_responded = int(re.sum())
        row.reasonable_median_wall = _nearest_rank(self.wall[re])[0]


def _nearest_rank(values: np.ndarray) -> tuple[int | None, int | None]:
    if values.size == 0:
        return None, None
    p = np.percentile(values, [50, 90], method="inverted_cdf")
    return int(p[0]), int(p[1])


def _mean(values: np.ndarray) -> float | None:
    return float(values.mean()) if values.size else None


_TIME_COLUMNS = (
    "level",
    "severity",
    "customer_id",
    "terms_version_id",
    "received_us",
    "first_us",
    "deadline_us",
    "response_outcome",
)


def _response_times(qs: QuerySet[Case], f: Filters, terms: TermsIndex) -> _Times:
    """One query: the columns percentiles and lateness need, for responded cases only; the
    timestamps come as epoch microseconds (`EpochMicros`), not datetimes."""
    rows = list(
        qs.filter(first_response_at__isnull=False)
        .annotate(
            received_us=EpochMicros("received_at"),
            first_us=EpochMicros("first_response_at"),
            deadline_us=EpochMicros("response_deadline"),
        )
        .values_list(*_TIME_COLUMNS)
        .order_by()
    )
    n = len(rows)
    cols = list(zip(*rows, strict=True)) if rows else [()] * len(_TIME_COLUMNS)
    level = np.array(cols[0], dtype=object)
    terms_ids = np.array(cols[3], dtype=np.int64)
    received = np.array(cols[4], dtype=np.int64)
    first = np.array(cols[5], dtype=np.int64)
    has_deadline = np.fromiter((t is not None for t in cols[6]), dtype=bool, count=n)
    deadline = np.fromiter((t or 0 for t in cols[6]), dtype=np.int64, count=n)
    breached = np.array(cols[7], dtype=object) == Outcome.BREACHED
    late_start = np.where(breached, deadline, first)  # zero-length span when not breached
    wall = (first - received) // _MIN_US
    late_wall = (first - late_start) // _MIN_US
    business = wall.copy()
    late_business = late_wall.copy()
    for terms_id, _key, sel in _business_groups(terms, terms_ids, level):
        cal = BusinessCalendar.from_terms(terms.by_id[terms_id].calendar)
        rec, fr, ls = (a[sel].view("datetime64[us]") for a in (received, first, late_start))
        business[sel] = between_minutes(cal, rec, fr)
        late_business[sel] = between_minutes(cal, ls, fr)
    return _Times(
        level,
        np.array(cols[1], dtype=np.int64),
        np.array(cols[2], dtype=np.int64),
        _month_of(f, received),
        has_deadline,
        breached,
        wall,
        business,
        late_wall,
        late_business,
    )


def _month_of(f: Filters, received: np.ndarray) -> np.ndarray:
    """YYYYMM per instant (epoch microseconds), the same months as _month_expr."""
    starts = _month_starts(f)
    bounds = np.array([to_us(until) for _, until in starts], dtype=np.int64)
    yms = np.array([ym for ym, _ in starts] + [0], dtype=np.int64)
    return yms[np.searchsorted(bounds, received, side="right")]


def _business_groups(
    terms: TermsIndex, terms_ids: np.ndarray, level: np.ndarray
) -> Iterator[tuple[int, str, np.ndarray]]:
    """(terms id, level, row selector) for each business-hours level present."""
    if not level.size:
        return
    for terms_id in np.unique(terms_ids):
        for key in set(level[terms_ids == terms_id]):
            if terms.business_only(int(terms_id), key):
                yield int(terms_id), key, (terms_ids == terms_id) & (level == key)


def business_minutes(
    terms: TermsIndex,
    terms_ids: Sequence[int],
    levels: Sequence[str],
    a: Sequence[int] | np.ndarray,
    b: Sequence[int] | np.ndarray,
) -> np.ndarray:
    """Whole minutes from a to b (epoch microseconds, a <= b), business time where it applies."""
    ua, ub = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    out = (ub - ua) // _MIN_US
    ids, lv = np.asarray(terms_ids, dtype=np.int64), np.asarray(levels, dtype=object)
    for terms_id, _key, sel in _business_groups(terms, ids, lv):
        cal = BusinessCalendar.from_terms(terms.by_id[terms_id].calendar)
        out[sel] = between_minutes(
            cal, ua[sel].view("datetime64[us]"), ub[sel].view("datetime64[us]")
        )
    return out
