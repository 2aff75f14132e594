"""Response times per responded case as numpy arrays: percentiles, lateness, business time."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db.models import BigIntegerField, IntegerField, QuerySet, Value, When
from django.db.models import Case as DbCase
from django.db.models.functions import Coalesce

from casedesk.cases.models import Case, Outcome
from casedesk.terms.batch import between_minutes
from casedesk.terms.calendar import BusinessCalendar

from .epoch import EpochMicros
from .scope import _MIN_US, Filters, TermsIndex, _month_starts, to_us


class _Ints(DbCase):
    """A CASE whose integers come back as they are (no int() per value, see `EpochMicros`)."""

    output_field = IntegerField()


class _IntsOr(Coalesce):
    """COALESCE of integers, handed back as they are."""

    output_field = BigIntegerField()


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

    groups: dict[str, dict[Any, np.ndarray]] = field(default_factory=dict)

    def rows_of(self, key: tuple[Any, ...]) -> np.ndarray | slice:
        """The positions of the key's cases: sorted once per grouping, then a slice each
        (a boolean mask over every responded case per table row cost ~1 s at 1,000,000)."""
        if key[0] == "total":
            return slice(None)
        if key[0] not in self.groups:
            self.groups[key[0]] = self._grouped(key[0])
        return self.groups[key[0]].get(key[1], _NONE)

    def _grouped(self, kind: str) -> dict[Any, np.ndarray]:
        if kind == "customer":
            return _positions(self.customer, lambda k: int(k))
        if kind == "month":
            return _positions(self.month, lambda k: int(k))
        names = sorted(set(self.level.tolist()))
        code = np.zeros(self.level.shape, dtype=np.int64)
        for i, name in enumerate(names):
            code[self.level == name] = i
        # (level, severity) as one integer: level position x 100 + severity.
        return _positions(code * 100 + self.severity, lambda k: (names[k // 100], k % 100))

    def fill(self, row: Row) -> None:
        at = self.rows_of(row.key)
        has_deadline, breached = self.has_deadline[at], self.breached[at]
        wall, business = self.wall[at], self.business[at]
        row.median_wall, row.p90_wall = _nearest_rank(wall[has_deadline])
        row.median_business, row.p90_business = _nearest_rank(business[has_deadline])
        row.mean_late_wall = _mean(self.late_wall[at][breached])
        row.mean_late_business = _mean(self.late_business[at][breached])
        reasonable = ~has_deadline
        row.reasonable_responded = int(reasonable.sum())
        row.reasonable_median_wall = _nearest_rank(wall[reasonable])[0]


_NONE = np.zeros(0, dtype=np.int64)


def _positions(keys: np.ndarray, key_of: Callable[[int], Any]) -> dict[Any, np.ndarray]:
    """{key: positions of that key, in their original order} from one stable sort."""
    if not keys.size:
        return {}
    order = np.argsort(keys, kind="stable")
    uniq, starts = np.unique(keys[order], return_index=True)
    ends = [*starts[1:].tolist(), len(keys)]
    return {
        key_of(int(u)): order[s:e]
        for u, s, e in zip(uniq.tolist(), starts.tolist(), ends, strict=True)
    }


def _nearest_rank(values: np.ndarray) -> tuple[int | None, int | None]:
    if values.size == 0:
        return None, None
    p = np.percentile(values, [50, 90], method="inverted_cdf")
    return int(p[0]), int(p[1])


def _mean(values: np.ndarray) -> float | None:
    return float(values.mean()) if values.size else None


_NO_DEADLINE = -(2**62)  # deadline_us of a case without one (146,000 years before 1970)


def _int_columns(responded: QuerySet[Case], keys: list[str]) -> np.ndarray:
    """level code, severity, customer, terms, received, first response, deadline, breached."""
    rows = responded.annotate(
        level_code=_Ints(
            *[When(level=k, then=Value(i)) for i, k in enumerate(keys)], default=Value(-1)
        ),
        breached_flag=_Ints(When(response_outcome=Outcome.BREACHED, then=1), default=0),
        received_us=EpochMicros("received_at"),
        first_us=EpochMicros("first_response_at"),
        deadline_us=_IntsOr(EpochMicros("response_deadline"), Value(_NO_DEADLINE)),
    ).values_list(
        "level_code",
        "severity",
        "customer_id",
        "terms_version_id",
        "received_us",
        "first_us",
        "deadline_us",
        "breached_flag",
    )
    return np.array(list(rows), dtype=np.int64).reshape(-1, 8).T


def _response_times(qs: QuerySet[Case], f: Filters, terms: TermsIndex) -> _Times:
    """One query: the columns percentiles and lateness need, for responded cases only.

    Every column comes as an integer computed by the database (timestamps as epoch
    microseconds, the level as its position among the terms' keys, the outcome as breached or
    not), so the rows become one numpy array at once: converting ~2.5 million datetimes and
    strings in Python was most of the year report's cost at 1,000,000 cases (issue 15).
    """
    keys = terms.level_keys()
    responded = qs.filter(first_response_at__isnull=False).order_by()
    cols = _int_columns(responded, keys)
    if (cols[0] < 0).any():  # a level the terms do not name: read the keys as text, in step
        cols = _int_columns(responded.order_by("pk"), keys)
        names = np.array(list(responded.order_by("pk").values_list("level", flat=True)))
    else:
        names = np.array(keys + [""], dtype=object)[cols[0]]
    level, terms_ids = names, cols[3]
    received, first, deadline = cols[4], cols[5], cols[6]
    has_deadline = deadline != _NO_DEADLINE
    breached = cols[7] == 1
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
        cols[1],
        cols[2],
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
