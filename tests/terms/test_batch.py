"""The numpy batch path (and the benchmarks' batch deadlines) give exactly the single-call
answers."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import sla_batch
from casedesk.terms import TermsError, batch, default_terms
from casedesk.terms.calendar import BusinessCalendar
from casedesk.terms.sla import deadline

from .strategies import CALENDARS, DEFAULT, instants

UTC = dt.UTC
TERMS = default_terms()
LEVELS = ("signature", "premium", "standard")


def as_datetime64(t: dt.datetime | None) -> np.datetime64:
    if t is None:
        return np.datetime64("NaT", "us")
    return np.datetime64(t.astimezone(UTC).replace(tzinfo=None), "us")


def single_deadlines(levels, severities, received_seconds) -> np.ndarray:
    return np.array(
        [
            as_datetime64(
                deadline(TERMS, str(lv), int(sev), dt.datetime.fromtimestamp(int(r), UTC))
            )
            for lv, sev, r in zip(levels, severities, received_seconds, strict=True)
        ],
        dtype="datetime64[us]",
    )


def test_it_matches_the_single_call_path_on_random_cases():
    rng = np.random.default_rng(20260101)
    n = 20_000
    start = int(dt.datetime(2024, 1, 1, tzinfo=UTC).timestamp())
    received = start + rng.integers(0, 12 * 365 * 86400, n)
    levels = np.array(LEVELS)[rng.integers(0, 3, n)]
    severities = rng.integers(1, 5, n)
    got = sla_batch.deadlines(TERMS, levels, severities, received)
    expected = single_deadlines(levels, severities, received)
    assert got.dtype == np.dtype("datetime64[us]")
    np.testing.assert_array_equal(got, expected)  # NaT compares equal to NaT here
    assert np.isnat(got).sum() == np.isnat(expected).sum() > 0


@settings(max_examples=100, deadline=None)
@given(
    st.lists(instants(DEFAULT), min_size=1, max_size=30),
    st.sampled_from(LEVELS),
    st.integers(1, 4),
)
def test_it_matches_the_single_call_path_on_hard_instants(received, level, severity):
    seconds = np.array([int(t.timestamp()) for t in received], dtype=np.int64)
    got = sla_batch.deadlines(TERMS, level, severity, seconds)
    np.testing.assert_array_equal(
        got, single_deadlines([level] * len(received), [severity] * len(received), seconds)
    )
    # datetime64 input in any unit gives the same answers as epoch seconds.
    as_minutes = seconds.astype("datetime64[s]").astype("datetime64[m]")
    np.testing.assert_array_equal(sla_batch.deadlines(TERMS, level, severity, as_minutes), got)


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(CALENDARS).flatmap(
        lambda c: st.tuples(
            st.just(c), st.lists(instants(c), min_size=1, max_size=20), st.integers(0, 2000)
        )
    )
)
def test_calendar_operations_match_the_single_call_path(args):
    c, instants_, minutes = args
    cal = BusinessCalendar.from_terms(c)
    arr = np.array([as_datetime64(t) for t in instants_], dtype="datetime64[us]")
    added = sla_batch.add_minutes(cal, arr, minutes)
    assert list(added) == [as_datetime64(cal.add(t, minutes)) for t in instants_]
    assert list(sla_batch.is_open(cal, arr)) == [cal.is_open(t) for t in instants_]
    later = arr + np.timedelta64(minutes * 7, "m")
    assert list(batch.between_minutes(cal, arr, later)) == [
        cal.between(t, t + dt.timedelta(minutes=minutes * 7)) for t in instants_
    ]
    assert list(batch.between_minutes(cal, arr, added)) == [minutes] * len(instants_)


def test_it_handles_budgets_beyond_the_table_and_far_years():
    cal = BusinessCalendar.from_terms(TERMS.calendar)
    start = np.array(["2090-11-22T18:00", "2026-01-05T17:00"], dtype="datetime64[us]")
    got = sla_batch.add_minutes(cal, start, np.array([480, 5000 * 480]))
    expected = [
        cal.add(dt.datetime(2090, 11, 22, 18, tzinfo=UTC), 480),
        cal.add(dt.datetime(2026, 1, 5, 17, tzinfo=UTC), 5000 * 480),
    ]
    assert list(got) == [as_datetime64(t) for t in expected]


def test_it_names_bad_input():
    seconds = np.array([1_780_000_000], dtype=np.int64)
    with pytest.raises(TermsError, match='"gold" is not a support level'):
        sla_batch.deadlines(TERMS, np.array(["premium", "gold"]), 1, np.repeat(seconds, 2))
    with pytest.raises(TermsError, match="5 is not a severity"):
        sla_batch.deadlines(TERMS, "premium", np.array([5]), seconds)
    with pytest.raises(TermsError, match="datetime64 or int64 epoch seconds"):
        sla_batch.deadlines(TERMS, "premium", 1, np.array([1.5]))
    with pytest.raises(TermsError, match="NaT"):
        sla_batch.deadlines(TERMS, "premium", 1, np.array(["NaT"], dtype="datetime64[s]"))


def test_empty_arrays_give_empty_answers():
    empty = np.array([], dtype=np.int64)
    assert sla_batch.deadlines(TERMS, "premium", 1, empty).shape == (0,)
    cal = BusinessCalendar.from_terms(TERMS.calendar)
    assert sla_batch.add_minutes(cal, empty, 5).shape == (0,)
