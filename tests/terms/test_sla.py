"""The response clock: deadlines per level, the severity-change rule, response outcomes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casedesk.terms import TermsError, default_terms, parse_terms
from casedesk.terms.calendar import BusinessCalendar, NaiveDatetimeError
from casedesk.terms.document import default_terms_text
from casedesk.terms.sla import (
    Judgement,
    Outcome,
    deadline,
    first_judgement,
    judge,
    judged_deadline,
    response_outcome,
)

from .reference import Reference, from_minute, to_minute
from .strategies import DEFAULT, instants

LA = ZoneInfo("America/Los_Angeles")
UTC = dt.UTC
TERMS = default_terms()
H = dt.timedelta(hours=1)
_REF = Reference(DEFAULT)


def la(*args: int, fold: int = 0) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LA, fold=fold)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


# -- deadlines: hand-checked cases from the seed's three levels -------------------------------

# 2026: Thanksgiving is Thu 26 Nov; 28-29 Nov is a weekend; 1 Nov is fall-back night.
SEED_CASES = [
    # (level, severity, received, deadline, why)
    ("standard", 1, la(2026, 11, 25, 18), la(2026, 11, 27, 17), "evening before Thanksgiving"),
    ("standard", 2, la(2026, 11, 25, 18), la(2026, 11, 30, 17), "2 days over Thanksgiving"),
    ("standard", 1, la(2026, 12, 1, 10), la(2026, 12, 2, 10), "Tue 10:00 + 1 = Wed 10:00"),
    ("standard", 2, la(2026, 12, 4, 16, 30), la(2026, 12, 8, 16, 30), "Fri -> Tue"),
    ("standard", 3, la(2026, 12, 1, 10), None, "reasonable efforts"),
    ("standard", 4, la(2026, 12, 1, 10), None, "reasonable efforts"),
    ("premium", 1, la(2026, 11, 28, 3, 0), la(2026, 11, 28, 4, 0), "24x7: Saturday night"),
    ("premium", 2, la(2026, 11, 26, 22, 0), la(2026, 11, 27, 2, 0), "24x7: Thanksgiving"),
    ("premium", 3, la(2026, 11, 28, 10, 0), la(2026, 11, 30, 17, 0), "received on a Saturday"),
    ("premium", 3, la(2026, 11, 27, 16, 30), la(2026, 11, 30, 16, 30), "Fri 16:30 -> Mon"),
    ("premium", 3, la(2026, 12, 1, 9, 0), la(2026, 12, 1, 17, 0), "runs out at 17:00 sharp"),
    ("premium", 4, la(2026, 12, 1, 10), None, "reasonable efforts"),
    ("signature", 1, la(2026, 11, 1, 1, 50), utc(2026, 11, 1, 9, 5), "01:50 PDT -> 01:05 PST"),
    ("signature", 2, la(2026, 12, 25, 23, 30), la(2026, 12, 26, 0, 30), "Christmas night"),
    ("signature", 3, la(2026, 11, 28, 10), la(2026, 11, 28, 12), "2 hours, weekend"),
    ("signature", 4, la(2026, 11, 28, 10), la(2026, 11, 28, 12), "2 hours, weekend"),
]


@pytest.mark.parametrize(("level", "severity", "received", "expected", "why"), SEED_CASES)
def test_deadlines_of_the_seed_levels(level, severity, received, expected, why):
    due = deadline(TERMS, level, severity, received)
    assert due == expected, why
    if due is not None:
        assert due.tzinfo is UTC


def test_a_received_time_in_any_zone_gives_the_same_deadline():
    a = deadline(TERMS, "premium", 3, la(2026, 11, 27, 16, 30))
    b = deadline(TERMS, "premium", 3, utc(2026, 11, 28, 0, 30))
    c = deadline(
        TERMS, "premium", 3, dt.datetime(2026, 11, 28, 9, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
    )
    assert a == b == c == utc(2026, 12, 1, 0, 30)


def test_deadline_names_what_is_wrong():
    with pytest.raises(TermsError) as info:
        deadline(TERMS, "gold", 1, la(2026, 12, 1, 10))
    assert str(info.value) == (
        '"gold" is not a support level in terms 2026-01 (levels: signature, premium, standard)'
    )
    with pytest.raises(TermsError, match="5 is not a severity"):
        deadline(TERMS, "premium", 5, la(2026, 12, 1, 10))
    # True and 1.0 equal 1 as dict keys; the fast path must not take them for Severity 1.
    with pytest.raises(TermsError, match="True is not a severity"):
        deadline(TERMS, "premium", True, la(2026, 12, 1, 10))
    with pytest.raises(TermsError, match="1.0 is not a severity"):
        deadline(TERMS, "premium", 1.0, la(2026, 12, 1, 10))
    with pytest.raises(NaiveDatetimeError, match="has no time zone"):
        deadline(TERMS, "signature", 1, dt.datetime(2026, 12, 1, 10))  # noqa: DTZ001
    with pytest.raises(NaiveDatetimeError, match="has no time zone"):
        deadline(TERMS, "premium", 4, dt.datetime(2026, 12, 1, 10))  # noqa: DTZ001


def _custom_terms(old: str, new: str):
    text = default_terms_text()
    assert old in text
    return parse_terms(text.replace(old, new))


def test_an_elapsed_target_on_a_business_hours_level_counts_business_minutes():
    # Not in the default terms: a custom Standard Sev 1 of "4 hours".
    terms = _custom_terms(
        'sev1 = "1 business day"      # Severity 1: 1 Business Day', 'sev1 = "4 hours"'
    )
    # Fri 16:00 + 4 business hours = Mon 12:00 (not Fri 20:00).
    assert deadline(terms, "standard", 1, la(2026, 12, 4, 16)) == la(2026, 12, 7, 12)


def test_a_business_days_target_on_a_24x7_level_counts_business_hours():
    # Premium Sev 3 = 1 business day although Premium is 24x7x365.
    assert deadline(TERMS, "premium", 3, la(2026, 12, 5, 3)) == la(2026, 12, 7, 17)


def test_the_terms_calendar_drives_the_deadline():
    terms = _custom_terms('timezone = "America/Los_Angeles"', 'timezone = "America/New_York"')
    ny = ZoneInfo("America/New_York")
    # Tue 16:00 New York + 1 business day = Wed 16:00 New York.
    assert deadline(terms, "standard", 1, dt.datetime(2026, 12, 1, 16, tzinfo=ny)) == (
        dt.datetime(2026, 12, 2, 16, tzinfo=ny)
    )


@settings(max_examples=200, deadline=None)
@given(instants(DEFAULT), st.sampled_from([("standard", 1), ("standard", 2), ("premium", 3)]))
def test_business_deadlines_match_the_reference_and_fall_in_business_hours(received, rule):
    level, severity = rule
    ref = _REF
    due = deadline(TERMS, level, severity, received)
    days = TERMS.level(level).target(severity).amount
    assert due == from_minute(ref.add(to_minute(received), days * 480))
    local = due.astimezone(LA)
    assert ref.is_business_day(local.date())
    assert dt.time(9) < local.time() <= dt.time(17)


@settings(max_examples=100, deadline=None)
@given(instants(DEFAULT), st.sampled_from([("signature", 1, 15), ("premium", 2, 240)]))
def test_elapsed_deadlines_are_receipt_plus_real_minutes(received, rule):
    level, severity, minutes = rule
    due = deadline(TERMS, level, severity, received)
    assert due - received == dt.timedelta(minutes=minutes)
    assert due.timestamp() - received.timestamp() == minutes * 60


# -- the severity-change rule -------------------------------------------------------------------


def history(level, received, initial, *changes, first_response_at=None):
    """Apply (at, new severity) changes in order; returns (judgements, deadlines after each)."""
    judgements = first_judgement(initial, received)
    deadlines = [judged_deadline(TERMS, level, judgements)]
    for at, severity in changes:
        judged = judge(TERMS, level, judgements, severity, at, first_response_at=first_response_at)
        judgements = judged.judgements
        deadlines.append(judged.deadline)
    return judgements, deadlines


def change(level, received, changed_at, old, new, first_response_at=None):
    return history(level, received, old, (changed_at, new), first_response_at=first_response_at)[1][
        -1
    ]


def test_raising_before_the_first_response_takes_the_earlier_deadline():
    received = la(2026, 12, 1, 9)  # Premium Sev 3: due 17:00
    assert deadline(TERMS, "premium", 3, received) == la(2026, 12, 1, 17)
    # Raised to Sev 1 at 10:00: 10:00 + 1 hour = 11:00, earlier than 17:00.
    assert change("premium", received, la(2026, 12, 1, 10), 3, 1) == la(2026, 12, 1, 11)
    # Raised to Sev 2 at 14:00: 14:00 + 4 h = 18:00 is later than 17:00, so 17:00 stays.
    assert change("premium", received, la(2026, 12, 1, 14), 3, 2) == la(2026, 12, 1, 17)


def test_raising_from_no_deadline_starts_the_clock_at_the_change():
    received = la(2026, 12, 1, 9)  # Premium Sev 4: reasonable efforts, no deadline
    changed_at = la(2026, 12, 2, 20)
    assert change("premium", received, changed_at, 4, 2) == changed_at + 4 * H
    # Standard Sev 3 (none) -> Sev 1 at Fri 18:00: Mon 17:00.
    assert change("standard", received, la(2026, 12, 4, 18), 3, 1) == la(2026, 12, 7, 17)


def test_lowering_without_a_raise_before_it_counts_from_receipt():
    received = la(2026, 12, 1, 10)  # Premium Sev 1: due 11:00
    # Lowered to Sev 3 at 10:30: receipt + 1 business day = Wed 10:00.
    assert change("premium", received, la(2026, 12, 1, 10, 30), 1, 3) == la(2026, 12, 2, 10)
    # Lowered to Sev 4: reasonable efforts, no deadline.
    assert change("premium", received, la(2026, 12, 1, 10, 30), 1, 4) is None


def test_lowering_can_move_the_deadline_into_the_past():
    # Signature Sev 1 received 10:00 (due 10:15), lowered to Sev 2 at 12:00: receipt + 1 h.
    received = la(2026, 12, 1, 10)
    assert change("signature", received, la(2026, 12, 1, 12), 1, 2) == la(2026, 12, 1, 11)


def test_lowering_after_a_raise_rereads_the_raise_not_the_receipt():
    # The example: Premium web case received Fri 16:30 PT at Sev 3 (due Mon 16:30),
    # raised to 1 on Sat 10:00 (due 11:00), lowered to 2 at 10:30. The old rule gave
    # receipt + 4 h = Fri 20:30, fourteen hours before the case was ever Severity 2.
    received = la(2026, 11, 20, 16, 30)
    judgements, deadlines = history(
        "premium", received, 3, (la(2026, 11, 21, 10), 1), (la(2026, 11, 21, 10, 30), 2)
    )
    assert deadlines == [la(2026, 11, 23, 16, 30), la(2026, 11, 21, 11), la(2026, 11, 21, 14)]
    assert judgements == (
        Judgement(3, received.astimezone(UTC)),
        Judgement(2, la(2026, 11, 21, 10).astimezone(UTC)),
    )


def test_lowering_below_the_initial_severity_rereads_it_too():
    # Premium Sev 2 received Tue 09:00 (due 13:00), raised to 1 at 10:00 (due 11:00), lowered
    # to 3 at 10:15: both judgements read as Sev 3; receipt + 1 business day = Tue 17:00.
    received = la(2026, 12, 1, 9)
    _, deadlines = history(
        "premium", received, 2, (la(2026, 12, 1, 10), 1), (la(2026, 12, 1, 10, 15), 3)
    )
    assert deadlines == [la(2026, 12, 1, 13), la(2026, 12, 1, 11), la(2026, 12, 1, 17)]


def test_a_raise_from_reasonable_efforts_then_a_lowering_counts_from_the_raise():
    # Premium Sev 4 (no deadline) received Mon 09:00, raised to 2 Tue 12:00, lowered to 3 at
    # 12:30: the case was judged above 4 only from Tue 12:00, so Tue 12:00 + 1 business day.
    received = la(2026, 11, 30, 9)
    _, deadlines = history(
        "premium", received, 4, (la(2026, 12, 1, 12), 2), (la(2026, 12, 1, 12, 30), 3)
    )
    assert deadlines == [None, la(2026, 12, 1, 16), la(2026, 12, 2, 12)]


def test_after_the_first_response_nothing_changes():
    received = la(2026, 12, 1, 10)
    responded = la(2026, 12, 1, 10, 45)
    for old, new in ((1, 3), (3, 1), (2, 4)):
        before = deadline(TERMS, "premium", old, received)
        assert change("premium", received, la(2026, 12, 1, 12), old, new, responded) == before
    assert change("premium", received, la(2026, 12, 1, 12), 4, 1, responded) is None
    judged = judge(
        TERMS,
        "premium",
        first_judgement(1, received),
        3,
        la(2026, 12, 1, 12),
        first_response_at=responded,
    )
    assert judged.effect == "final"


def test_the_same_severity_changes_nothing():
    assert change("premium", la(2026, 12, 1, 10), la(2026, 12, 1, 10, 30), 1, 1) == la(
        2026, 12, 1, 11
    )


def test_judge_returns_utc_and_refuses_naive_times_and_bad_severities():
    result = change("premium", la(2026, 12, 1, 10), la(2026, 12, 1, 10, 30), 2, 1)
    assert result.tzinfo is UTC
    naive = dt.datetime(2026, 12, 1, 10)  # noqa: DTZ001
    with pytest.raises(NaiveDatetimeError):
        change("premium", naive, la(2026, 12, 1, 10, 30), 1, 2)
    with pytest.raises(NaiveDatetimeError):
        change("premium", la(2026, 12, 1, 10), naive, 1, 2)
    with pytest.raises(TermsError, match="is not a severity"):
        change("premium", la(2026, 12, 1, 10), la(2026, 12, 1, 10, 30), 1, 0)


changes = st.lists(
    st.tuples(st.integers(1, 3 * 24 * 60), st.integers(1, 4)), min_size=1, max_size=5
)


@settings(max_examples=150, deadline=None)
@given(
    instants(DEFAULT),
    st.sampled_from(["signature", "premium", "standard"]),
    st.integers(1, 4),
    changes,
)
def test_the_rule_against_its_definition(received, level, initial, steps):
    """The deadline is the earliest judgement deadline (DESIGN.md §1's words, computed the
    slow way); raising never makes it later; it is never before receipt."""
    at = received
    timeline = []
    for minutes, severity in steps:
        at = at + dt.timedelta(minutes=minutes)
        timeline.append((at, severity))
    judgements, deadlines = history(level, received, initial, *timeline)
    # The definition, computed directly: every judgement (moment, severity as re-read).
    judged = [(received, initial)]
    for moment, severity in timeline:
        current = judged[-1][1]
        if severity < current:
            judged.append((moment, severity))
        elif severity > current:
            judged = [(m, max(s, severity)) for m, s in judged]
    due = [d for m, s in judged if (d := deadline(TERMS, level, s, m)) is not None]
    assert deadlines[-1] == (min(due) if due else None)
    current = initial
    for (_, severity), before, after in zip(timeline, deadlines, deadlines[1:], strict=False):
        if severity < current and before is not None:  # raising never makes it later
            assert after is not None and after <= before
        current = severity
    if deadlines[-1] is not None:  # never before receipt, whatever the changes
        assert deadlines[-1] > received


# -- outcomes ------------------------------------------------------------------------------------


def test_a_response_at_the_deadline_meets_it():
    due = la(2026, 12, 1, 17)
    assert response_outcome(TERMS, "standard", due, due, due + H) == Outcome("met")
    assert response_outcome(TERMS, "standard", due, due - H, due + H) == Outcome("met")


def test_a_late_response_is_breached_by_wall_and_business_time():
    due = la(2026, 12, 4, 17)  # Standard, due Friday 17:00
    responded = la(2026, 12, 7, 10)  # Monday 10:00
    outcome = response_outcome(TERMS, "standard", due, responded, responded + H)
    assert outcome == Outcome("breached", dt.timedelta(hours=65), dt.timedelta(hours=1))
    assert outcome.is_breach


def test_on_a_24x7_level_business_lateness_is_wall_lateness():
    due = la(2026, 12, 4, 17)  # Premium Sev 3 due Friday 17:00
    responded = la(2026, 12, 7, 10)
    outcome = response_outcome(TERMS, "premium", due, responded, responded)
    assert outcome == Outcome("breached", dt.timedelta(hours=65), dt.timedelta(hours=65))


def test_without_a_response_it_is_pending_then_overdue():
    due = la(2026, 12, 4, 17)
    assert response_outcome(TERMS, "standard", due, None, due) == Outcome("pending")
    overdue = response_outcome(TERMS, "standard", due, None, la(2026, 12, 7, 9, 30))
    assert overdue == Outcome(
        "overdue", dt.timedelta(hours=64, minutes=30), dt.timedelta(minutes=30)
    )
    assert overdue.is_breach


def test_reasonable_efforts_is_never_breached():
    outcome = response_outcome(TERMS, "premium", None, None, la(2030, 1, 1))
    assert outcome == Outcome("no_target")
    assert not outcome.is_breach
    assert response_outcome(TERMS, "premium", None, la(2026, 12, 9), la(2030, 1, 1)).status == (
        "no_target"
    )


def test_outcome_checks_its_inputs():
    with pytest.raises(TermsError, match="not a support level"):
        response_outcome(TERMS, "gold", None, None, la(2026, 12, 1))
    with pytest.raises(NaiveDatetimeError):
        response_outcome(TERMS, "premium", la(2026, 12, 1), None, dt.datetime(2026, 12, 2))  # noqa: DTZ001


def test_business_lateness_uses_the_terms_calendar():
    cal = BusinessCalendar.from_terms(TERMS.calendar)
    due, responded = la(2026, 11, 25, 16), la(2026, 11, 27, 10)  # over Thanksgiving
    outcome = response_outcome(TERMS, "standard", due, responded, responded)
    assert outcome.late_by_business == cal.between_duration(due, responded) == 2 * H
