"""The batch path for reports: deadlines and business time for arrays of instants, with numpy.

Same table, same rules, same answers as the single-call path in `calendar.py` and `sla.py`
(tests/terms/test_batch.py compares them). Instants are numpy `datetime64` (any unit, read as
UTC, numpy's convention) or int64 UTC epoch seconds. Results are `datetime64[us]` in UTC, with
`NaT` where there is no deadline (reasonable efforts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .calendar import US, BusinessCalendar, _Table
from .document import Terms
from .errors import TermsError
from .rules import rule_for

I64 = npt.NDArray[np.int64]
NAT = np.iinfo(np.int64).min  # numpy's NaT as int64

_COUNTING = {"none": 0, "wall": 1, "business": 2}


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


def add_us(cal: BusinessCalendar, us: I64, amount_us: I64 | int) -> I64:
    """Business add on int64 epoch microseconds (amount 0 returns the instant itself)."""
    us = np.asarray(us, dtype=np.int64)
    amount = np.broadcast_to(np.asarray(amount_us, dtype=np.int64), us.shape)
    if us.size == 0:
        return us.copy()
    if (amount < 0).any():
        raise TermsError("business time to add must not be negative")
    table = _table_for(cal, us)
    ix = _index(table)
    target = _positions(ix, us) + amount
    while target.max() > table.cum_end[-1]:
        table = cal.table(table.first_year, table.last_year + table.last_year - table.first_year)
        ix = _index(table)
        target = _positions(ix, us) + amount
    # The first interval whose running total reaches the target ("left"): a budget that runs
    # out exactly at closing ends at closing, not at the next opening.
    j = ix.bucket_first[target // ix.width]
    j += ix.cum_end[j] < target
    return np.where(amount == 0, us, ix.starts[j] + target - ix.cum[j])


def add_minutes(cal: BusinessCalendar, instants: npt.ArrayLike, minutes: npt.ArrayLike) -> Any:
    """`BusinessCalendar.add` for arrays: datetime64[us] results."""
    us = to_epoch_us(instants)
    out = add_us(cal, us, np.asarray(minutes, dtype=np.int64) * 60 * US)
    return out.view("datetime64[us]")


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


def is_open(cal: BusinessCalendar, instants: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    us = to_epoch_us(instants)
    if us.size == 0:
        return np.zeros(us.shape, dtype=bool)
    ix = _index(_table_for(cal, us))
    i = _interval_before(ix, us)
    return (i >= 0) & (us < ix.ends[np.maximum(i, 0)])


def deadlines(
    terms: Terms, level_keys: npt.ArrayLike, severities: npt.ArrayLike, received: npt.ArrayLike
) -> Any:
    """Response deadlines for arrays of (level, severity, received); NaT = no deadline.

    `level_keys` and `severities` may be single values or arrays the shape of `received`.
    """
    us = to_epoch_us(received)
    keys = np.broadcast_to(np.asarray(level_keys), us.shape)
    sevs = np.broadcast_to(np.asarray(severities), us.shape)
    if us.size == 0:
        return us.copy().view("datetime64[us]")
    key_index = _level_index(terms, keys)
    sev_index = sevs.astype(np.intp)
    bad = np.flatnonzero((sev_index < 1) | (sev_index > 4) | (sev_index != sevs))
    if bad.size:
        raise TermsError(f"{sevs.flat[bad[0]].item()!r} is not a severity (use 1 to 4)")
    # One row per (level, severity): how it counts and its budget; looked up per case below.
    counting = np.zeros((len(terms.levels), 5), dtype=np.int8)
    amount = np.zeros((len(terms.levels), 5), dtype=np.int64)
    for k, key in enumerate(terms.levels):
        for sev in (1, 2, 3, 4):
            rule = rule_for(terms, key, sev)
            counting[k, sev] = _COUNTING[rule.counting]
            amount[k, sev] = rule.amount_us
    kinds = counting[key_index, sev_index]
    budget = amount[key_index, sev_index]
    cal = BusinessCalendar.from_terms(terms.calendar)
    out = np.where(kinds == 1, us + budget, NAT)
    business = kinds == 2
    if business.any():
        out[business] = add_us(cal, us[business], budget[business])
    return out.view("datetime64[us]")


def _level_index(terms: Terms, keys: npt.NDArray[Any]) -> npt.NDArray[np.intp]:
    """Each level key's position in `terms.levels`; TermsError naming the first unknown key."""
    index = np.full(keys.shape, -1, dtype=np.intp)
    for k, key in enumerate(terms.levels):
        index[keys == key] = k
    unknown = np.flatnonzero(index < 0)
    if unknown.size:
        terms.level(str(keys.flat[unknown[0]]))  # raises, naming the key and the known ones
    return index
