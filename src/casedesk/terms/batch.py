"""The batch path for reports: business time between arrays of instants, with numpy.

Same table, same rules, same answers as the single-call path in `calendar.py` and `sla.py`
(tests/terms/test_batch.py compares them). Instants are numpy `datetime64` (any unit, read as
UTC, numpy's convention) or int64 UTC epoch seconds. Results are `datetime64[us]` in UTC, with
`NaT` where there is no deadline (reasonable efforts).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .calendar import US, BusinessCalendar, _Table
from .errors import TermsError

I64 = npt.NDArray[np.int64]


def to_epoch_us(instants: npt.ArrayLike) -> I64:
    """datetime64 (any unit, UTC) or int64 epoch seconds -> int64 epoch microseconds."""
    arr = np.asarray(instants)
    if np.issubdtype(arr.dtype, np.datetime64):
        if np.isnat(arr).any():
            raise TermsError("received times must not contain NaT")
        return arr.astype("datetime64[us]").view(np.int64)
    if np.issubdtype(arr.dtype, np.integer):
        return arr.astype(np.int64) * US
    raise TermsError(
        f"instants must be datetime64 or int64 epoch seconds, not {arr.dtype} "
        "(convert aware datetimes with numpy.datetime64(t.astimezone(UTC).replace(tzinfo=None)))"
    )


@dataclass(frozen=True, slots=True)
class _Index:
    """numpy copies of one interval table plus bucket indexes that replace binary search.

    `searchsorted` over random instants costs ~50 ns each (cache misses); a gather from a
    per-day index and one or two comparisons costs a few. `day_first[k]` counts the intervals
    that start at or before UTC day k (from `origin`); a UTC day holds at most two openings.
    `bucket_first[k]` is the first interval whose running total reaches k * `width`, where
    `width` is the shortest interval, so at most one total lies inside any bucket.
    """

    table: _Table
    starts: I64  # padded with two int64-max entries
    ends: I64
    cum: I64
    cum_end: I64  # padded with one int64-max entry
    origin: int
    day_first: I64
    width: int
    bucket_first: I64


_DAY_US = 86400 * US
_MAX = np.iinfo(np.int64).max


def _index(table: _Table) -> _Index:
    hit = _INDEXES.get(id(table))
    if hit is not None and hit.table is table:
        return hit
    starts = np.asarray(table.starts, dtype=np.int64)
    ends = np.asarray(table.ends, dtype=np.int64)
    cum_end = np.asarray(table.cum_end, dtype=np.int64)
    origin = int(starts[0]) // _DAY_US * _DAY_US
    days = np.arange(origin, int(ends[-1]) + 2 * _DAY_US, _DAY_US, dtype=np.int64)
    width = max(int((ends - starts).min()), 60 * US)
    buckets = np.arange(0, int(cum_end[-1]) + 2 * width, width, dtype=np.int64)
    index = _Index(
        table,
        np.concatenate([starts, [_MAX, _MAX]]).astype(np.int64),
        ends,
        np.asarray(table.cum, dtype=np.int64),
        np.concatenate([cum_end, [_MAX]]).astype(np.int64),
        origin,
        np.searchsorted(starts, days, side="right").astype(np.int64),
        width,
        np.searchsorted(cum_end, buckets, side="left").astype(np.int64),
    )
    if len(_INDEXES) > 64:
        _INDEXES.clear()
    _INDEXES[id(table)] = index  # the entry holds its table, so the id stays unique
    return index


_INDEXES: dict[int, _Index] = {}


def _interval_before(ix: _Index, us: I64) -> I64:
    """Per instant, the index of the last interval starting at or before it (-1 if none)."""
    day = np.clip((us - ix.origin) // _DAY_US, 0, len(ix.day_first) - 1)
    i = ix.day_first[day]
    i += ix.starts[i] <= us
    i += ix.starts[i] <= us
    return i - 1


def _years(us: I64) -> tuple[int, int]:
    lo, hi = np.array([us.min(), us.max()]).astype("datetime64[us]").astype("datetime64[Y]")
    return int(lo.astype(int)) + 1970 - 1, int(hi.astype(int)) + 1970 + 1


def _table_for(cal: BusinessCalendar, us: I64) -> _Table:
    first, last = _years(us)
    return cal.table(first, last)


def _positions(ix: _Index, us: I64) -> I64:
    """Business time from the table's origin to each instant."""
    i = _interval_before(ix, us)
    ic = np.maximum(i, 0)
    closed = np.where(i >= 0, ix.cum_end[ic], 0)
    return np.where((i >= 0) & (us < ix.ends[ic]), ix.cum[ic] + us - ix.starts[ic], closed)


def between_us(cal: BusinessCalendar, a: npt.ArrayLike, b: npt.ArrayLike) -> I64:
    """Business microseconds from a to b, element-wise (a <= b)."""
    ua, ub = np.broadcast_arrays(to_epoch_us(a), to_epoch_us(b))
    if ua.size == 0:
        return np.zeros(ua.shape, dtype=np.int64)
    if (ub < ua).any():
        raise TermsError("between(a, b) needs a <= b")
    ix = _index(_table_for(cal, np.concatenate([ua.ravel(), ub.ravel()])))
    return _positions(ix, ub) - _positions(ix, ua)


def between_minutes(cal: BusinessCalendar, a: npt.ArrayLike, b: npt.ArrayLike) -> I64:
    """`BusinessCalendar.between` for arrays: whole business minutes, rounded down."""
    return between_us(cal, a, b) // (60 * US)
