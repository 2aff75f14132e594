"""The pure parts of issue 16: waiting periods from status changes, the `[waiting]` schedule and
its validation, and the production clause of the severity definitions."""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk.terms import TermsError, default_terms, parse_terms
from casedesk.terms.calendar import BusinessCalendar
from casedesk.terms.document import default_terms_text
from casedesk.terms.periods import Period, clip, waited, waiting_periods
from casedesk.terms.scope import production_words
from casedesk.terms.waiting import Waiting, schedule

T0 = dt.datetime(2026, 6, 1, 17, 0, tzinfo=dt.UTC)  # Mon 10:00 PDT


def h(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def test_a_period_runs_from_waiting_to_the_next_other_status():
    changes = [(h(0), "triaged"), (h(1), "waiting"), (h(3), "triaged"), (h(5), "waiting")]
    assert waiting_periods(changes) == [Period(h(1), h(3)), Period(h(5), None)]
    assert waited(waiting_periods(changes), until=h(6)) == dt.timedelta(hours=3)


def test_asking_again_while_waiting_extends_the_same_period_and_order_does_not_matter():
    changes = [(h(4), "resolved"), (h(1), "waiting"), (h(2), "waiting")]
    assert waiting_periods(changes) == [Period(h(1), h(4))]


def test_clip_keeps_the_parts_inside_a_span():
    periods = [Period(h(1), h(3)), Period(h(5), None)]
    assert clip(periods, h(2), h(6)) == [Period(h(2), h(3)), Period(h(5), h(6))]


def test_the_schedule_reminds_then_resolves_in_business_days():
    settings = Waiting(
        remind_after_business_days=3, max_reminders=2, resolve_after_business_days=10
    )
    calendar = BusinessCalendar.from_terms(default_terms().calendar)
    steps = schedule(settings, calendar, T0)
    assert [(s.name, s.at) for s in steps] == [
        ("reminder1", dt.datetime(2026, 6, 4, 17, tzinfo=dt.UTC)),  # Thu 10:00 PDT
        ("reminder2", dt.datetime(2026, 6, 9, 17, tzinfo=dt.UTC)),  # Tue 10:00 PDT
        ("auto_resolve", dt.datetime(2026, 6, 15, 17, tzinfo=dt.UTC)),
    ]
    assert schedule(Waiting(), calendar, T0) == []  # off by default


def test_a_terms_file_that_resolves_before_it_reminds_is_refused_with_the_reason():
    text = default_terms_text() + (
        "\n[waiting]\nremind_after_business_days = 5\nresolve_after_business_days = 3\n"
    )
    with pytest.raises(TermsError) as info:
        parse_terms(text)
    assert "must be later than remind_after_business_days (5)" in str(info.value)


def test_severity_1_and_2_are_tied_to_production_3_and_4_are_not():
    terms = default_terms()
    assert "Production Environment" in (production_words(terms, 1) or "")
    assert "Production Environment" in (production_words(terms, 2) or "")
    assert production_words(terms, 3) is None and production_words(terms, 4) is None
