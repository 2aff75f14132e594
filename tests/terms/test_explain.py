"""explain(): the steps behind a deadline, as data and as text a customer reads."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casedesk.terms import TermsError, default_terms
from casedesk.terms.sla import deadline, explain

from .strategies import DEFAULT, instants

LA = ZoneInfo("America/Los_Angeles")
UTC = dt.UTC
TERMS = default_terms()


def la(*args: int, fold: int = 0) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LA, fold=fold)


def test_it_explains_a_friday_afternoon_over_the_weekend():
    e = explain(TERMS, "premium", 3, la(2026, 11, 27, 16, 30))
    assert e.text() == (
        "received Fri 27 Nov 16:30 PST; 30 min counted until 17:00; Sat–Sun closed; "
        "7 h 30 min counted on Mon 30 Nov from 09:00; due Mon 30 Nov 16:30 PST"
    )
    assert [s.kind for s in e.steps] == ["received", "counted", "weekend", "counted", "due"]
    assert e.deadline == deadline(TERMS, "premium", 3, la(2026, 11, 27, 16, 30))
    assert e.clock == "business_days"
    weekend = e.steps[2]
    assert (weekend.start, weekend.end) == (la(2026, 11, 28, 0), la(2026, 11, 30, 0))
    counted = e.steps[3]
    assert (counted.start, counted.end) == (la(2026, 11, 30, 9), la(2026, 11, 30, 16, 30))
    assert all(s.start.tzinfo is UTC and s.end.tzinfo is UTC for s in e.steps)


def test_it_names_the_holidays_it_skips():
    e = explain(TERMS, "standard", 1, la(2026, 11, 25, 18))
    assert e.text() == (
        "received Wed 25 Nov 18:00 PST; Thu 26 Nov closed: Thanksgiving Day; "
        "8 h counted on Fri 27 Nov from 09:00; due Fri 27 Nov 17:00 PST"
    )
    holiday = e.steps[1]
    assert holiday.kind == "holiday"
    assert (holiday.start, holiday.end) == (la(2026, 11, 26, 0), la(2026, 11, 27, 0))


def test_observed_holidays_and_weekends_are_told_apart():
    # New Year's Day 2028 is a Saturday: observed on Friday 31 December 2027.
    e = explain(TERMS, "standard", 1, la(2027, 12, 30, 12))
    assert e.text() == (
        "received Thu 30 Dec 12:00 PST; 5 h counted until 17:00; "
        "Fri 31 Dec closed: New Year's Day (observed); Sat–Sun closed; "
        "3 h counted on Mon 3 Jan from 09:00; due Mon 3 Jan 12:00 PST"
    )


def test_a_case_received_on_a_saturday_starts_with_the_weekend():
    e = explain(TERMS, "premium", 3, la(2026, 11, 28, 10))
    assert e.text() == (
        "received Sat 28 Nov 10:00 PST; Sat–Sun closed; 8 h counted on Mon 30 Nov from 09:00; "
        "due Mon 30 Nov 17:00 PST"
    )
    assert e.steps[1].start == la(2026, 11, 28, 10)  # the weekend step starts at receipt


def test_closed_nights_and_early_mornings_say_until_when():
    assert explain(TERMS, "standard", 1, la(2026, 12, 1, 20)).text() == (
        "received Tue 1 Dec 20:00 PST; closed until Wed 2 Dec 09:00; "
        "8 h counted on Wed 2 Dec from 09:00; due Wed 2 Dec 17:00 PST"
    )
    assert explain(TERMS, "standard", 1, la(2026, 12, 1, 7)).text() == (
        "received Tue 1 Dec 07:00 PST; closed until 09:00; "
        "8 h counted on Tue 1 Dec from 09:00; due Tue 1 Dec 17:00 PST"
    )


def test_several_business_days_count_each_day():
    assert explain(TERMS, "standard", 2, la(2026, 12, 1, 10)).text() == (
        "received Tue 1 Dec 10:00 PST; 7 h counted until 17:00; "
        "8 h counted on Wed 2 Dec from 09:00; 1 h counted on Thu 3 Dec from 09:00; "
        "due Thu 3 Dec 10:00 PST"
    )


def test_it_mentions_a_dst_change_it_crosses():
    e = explain(TERMS, "premium", 3, la(2026, 3, 6, 16))
    assert e.text() == (
        "received Fri 6 Mar 16:00 PST; 1 h counted until 17:00; Sat–Sun closed; "
        "Sun 8 Mar: clocks go forward 1 h at 02:00 PST, to 03:00 PDT; "
        "7 h counted on Mon 9 Mar from 09:00; due Mon 9 Mar 16:00 PDT"
    )
    dst = [s for s in e.steps if s.kind == "dst"]
    assert [s.start for s in dst] == [dt.datetime(2026, 3, 8, 10, tzinfo=UTC)]


def test_elapsed_targets_say_24x7_and_the_wall_clock_jump():
    e = explain(TERMS, "signature", 1, la(2026, 11, 1, 1, 50))
    assert e.text() == (
        "received Sun 1 Nov 01:50 PDT; target 15 minutes, 24x7; "
        "Sun 1 Nov: clocks go back 1 h at 02:00 PDT, to 01:00 PST; due Sun 1 Nov 01:05 PST"
    )
    assert [s.kind for s in e.steps] == ["received", "counted", "dst", "due"]
    assert e.clock == "elapsed"
    assert explain(TERMS, "premium", 1, la(2026, 12, 1, 10)).text() == (
        "received Tue 1 Dec 10:00 PST; target 1 hour, 24x7; due Tue 1 Dec 11:00 PST"
    )


def test_reasonable_efforts_has_no_deadline():
    e = explain(TERMS, "premium", 4, la(2026, 12, 1, 10))
    assert e.text() == "received Tue 1 Dec 10:00 PST; no deadline: reasonable efforts"
    assert e.deadline is None
    assert e.clock == "reasonable_efforts"


def test_times_are_shown_in_the_viewers_zone():
    e = explain(TERMS, "premium", 3, la(2026, 11, 27, 16, 30), tz="America/New_York")
    assert e.text() == (
        "received Fri 27 Nov 19:30 EST; 30 min counted until 20:00; Sat–Sun closed; "
        "7 h 30 min counted on Mon 30 Nov from 12:00; due Mon 30 Nov 19:30 EST"
    )
    assert e.tz == "America/New_York"
    assert explain(TERMS, "signature", 2, la(2026, 12, 1, 10), tz="UTC").text() == (
        "received Tue 1 Dec 18:00 UTC; target 1 hour, 24x7; due Tue 1 Dec 19:00 UTC"
    )


def test_a_viewer_zone_that_does_not_exist_is_an_error():
    with pytest.raises(TermsError) as info:
        explain(TERMS, "premium", 3, la(2026, 12, 1, 10), tz="Mars/Olympus")
    assert str(info.value) == '"Mars/Olympus" is not an IANA time zone (e.g. "America/New_York")'


def test_seconds_are_shown_only_when_there_are_some():
    assert explain(TERMS, "premium", 3, la(2026, 12, 1, 16, 59, 30)).text() == (
        "received Tue 1 Dec 16:59:30 PST; 30 s counted until 17:00; "
        "7 h 59 min 30 s counted on Wed 2 Dec from 09:00; due Wed 2 Dec 16:59:30 PST"
    )


@settings(max_examples=150, deadline=None)
@given(
    instants(DEFAULT),
    st.sampled_from(
        [("standard", 1), ("standard", 2), ("premium", 3), ("signature", 1), ("premium", 2)]
    ),
)
def test_the_steps_add_up_to_the_target_and_run_in_order(received, rule):
    level, severity = rule
    e = explain(TERMS, level, severity, received)
    assert e.deadline == deadline(TERMS, level, severity, received)
    counted = sum(((s.end - s.start) for s in e.steps if s.kind == "counted"), dt.timedelta())
    target = TERMS.level(level).target(severity)
    minutes = target.amount * 480 if target.clock == "business_days" else target.amount
    assert counted == dt.timedelta(minutes=minutes)
    assert e.steps[0].kind == "received" and e.steps[-1].kind == "due"
    starts = [s.start for s in e.steps]
    assert starts == sorted(starts)
    assert all(s.text for s in e.steps)
    assert e.text() == "; ".join(s.text for s in e.steps)
