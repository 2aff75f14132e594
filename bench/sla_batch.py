"""The benchmarks' batch deadlines: `casedesk.terms.batch` extended to response deadlines for
arrays of cases (bench/sla_clock.py, bench/report_sla.py). Not used by casedesk itself;
tests/terms/test_batch.py checks it against the single-call path."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from casedesk.terms.batch import (
    I64,
    _index,
    _interval_before,
    _positions,
    _table_for,
    to_epoch_us,
)
from casedesk.terms.calendar import US, BusinessCalendar
from casedesk.terms.document import Terms
from casedesk.terms.errors import TermsError
from casedesk.terms.rules import rule_for

NAT = np.iinfo(np.int64).min  # numpy's NaT as int64

_COUNTING = {"none": 0, "wall": 1, "business": 2}


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
