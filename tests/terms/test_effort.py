"""The effort clock and update targets of the terms (DESIGN.md §1 "After the first response").

Times below are Pacific (America/Los_Angeles, the default terms' zone); business hours are
09:00-17:00 Monday to Friday. 2026-11-17 is a Tuesday.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import casedesk.terms
from casedesk.terms import TermsError, default_terms, load_terms, parse_terms
from casedesk.terms.document import default_terms_text
from casedesk.terms.effort_clock import counted, due, effort_rule, gaps, update_rule
from casedesk.terms.show import render

PT = ZoneInfo("America/Los_Angeles")
EXAMPLE = Path(casedesk.terms.__file__).parent / "examples" / "update_targets.toml"


def pt(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=PT)


def test_it_takes_the_coverage_from_the_seeds_severity_definitions():
    terms = default_terms()
    assert [effort_rule(terms, "premium", s).coverage for s in (1, 2, 3, 4)] == [
        "continuous",
        "business_hours",
        "business_hours",
        "none",
    ]


def test_it_makes_a_24x7_severity_1_case_quiet_overnight():
    rule = effort_rule(default_terms(), "premium", 1)
    # Responded Tuesday 22:00: two hours of wall time later, at midnight, the case is quiet.
    assert due(rule, pt(17, 22), []) == pt(18, 0)
    assert rule.clock_words == "wall time, all hours (24x7)"


def test_it_does_not_make_a_business_hours_severity_1_case_quiet_overnight():
    rule = effort_rule(default_terms(), "standard", 1)
    # Standard is business hours: 16:30 + 2 business hours is Wednesday 10:30, not 18:30.
    assert due(rule, pt(17, 16, 30), []) == pt(18, 10, 30)
    assert rule.elapsed(pt(17, 17), pt(18, 9)) == dt.timedelta(0)


def test_it_counts_severity_2_in_business_hours_even_on_a_24x7_level():
    rule = effort_rule(default_terms(), "premium", 2)
    assert due(rule, pt(20, 15), []) == pt(23, 11)  # Friday 15:00 + 4 business hours: Monday


def test_it_never_makes_severity_4_quiet():
    rule = effort_rule(default_terms(), "premium", 4)
    assert due(rule, pt(17, 10), []) is None
    assert gaps(rule, [pt(17, 10)], pt(30, 10))[0].quiet is False


def test_it_does_not_count_time_waiting_on_the_customer():
    rule = effort_rule(default_terms(), "premium", 1)
    waiting = [(pt(17, 10, 30), pt(17, 15))]
    # 30 minutes before the wait, 90 minutes after it.
    assert due(rule, pt(17, 10), waiting) == pt(17, 16, 30)
    assert counted(rule, pt(17, 10), pt(17, 16), waiting) == dt.timedelta(hours=1, minutes=30)
    # Still waiting: nothing is due.
    assert due(rule, pt(17, 10), [(pt(17, 10, 30), None)]) is None


def test_it_lists_the_gaps_and_which_were_quiet():
    rule = effort_rule(default_terms(), "premium", 1)
    found = gaps(rule, [pt(17, 10), pt(17, 11), pt(17, 15)], pt(17, 20))
    assert [(g.start, g.end, g.quiet, g.ongoing) for g in found] == [
        (pt(17, 10), pt(17, 11), False, False),
        (pt(17, 11), pt(17, 15), True, False),
        (pt(17, 15), pt(17, 20), True, True),
    ]
    assert found[1].quiet_at == pt(17, 13)
    assert found[1].escalate_at is None  # 4 hours is not more than twice the interval
    assert found[1].quiet_for == dt.timedelta(hours=2)
    assert found[2].escalate_at == pt(17, 19)


def test_the_default_terms_set_no_update_targets():
    terms = default_terms()
    assert all(update_rule(terms, key, s) is None for key in terms.levels for s in (1, 2, 3, 4))


def test_the_example_terms_file_sets_update_targets_that_run():
    terms = load_terms(EXAMPLE)
    premium1 = update_rule(terms, "premium", 1)
    assert premium1 is not None and premium1.counting == "wall"
    assert due(premium1, pt(17, 22), []) == pt(18, 0)
    premium2 = update_rule(terms, "premium", 2)
    assert premium2 is not None
    assert due(premium2, pt(17, 16), []) == pt(18, 16)  # 1 business day
    assert update_rule(terms, "premium", 3) is None
    # The example also changes intervals: Signature Sev 1 one hour, Standard Sev 3 never quiet.
    assert effort_rule(terms, "signature", 1).interval == dt.timedelta(hours=1)
    assert effort_rule(terms, "standard", 3).interval is None


def _with(extra: str) -> str:
    return default_terms_text() + "\n" + extra


def test_an_operator_may_change_or_remove_an_interval():
    terms = parse_terms(_with('[effort.premium.sev1]\ninterval = "30 minutes"\n'))
    assert effort_rule(terms, "premium", 1).interval == dt.timedelta(minutes=30)
    terms = parse_terms(_with('[effort.premium.sev2]\ninterval = "none"\n'))
    assert due(effort_rule(terms, "premium", 2), pt(17, 10), []) is None


@pytest.mark.parametrize(
    ("extra", "path", "message"),
    [
        (
            '[effort.premium.sev1]\ninterval = "2 hourz"\n',
            "effort.premium.sev1.interval",
            '"2 hourz" is not a duration',
        ),
        (
            '[effort.premium.sev1]\ncoverage = "always"\n',
            "effort.premium.sev1.coverage",
            "'always'",
        ),
        ('[updates.gold]\nsev1 = "1 hour"\n', "updates.gold", '"gold" is not a level in [levels]'),
        ('[updates.premium]\nsev5 = "1 hour"\n', "updates.premium.sev5", "unknown key"),
        (
            '[updates.premium]\nsev1 = "reasonable efforts"\n',
            "updates.premium.sev1",
            "is not an interval",
        ),
    ],
)
def test_it_names_the_wrong_key(extra: str, path: str, message: str):
    with pytest.raises(TermsError) as caught:
        parse_terms(_with(extra))
    problems = caught.value.problems
    assert any(p.path == path and message in p.message for p in problems), problems


def test_terms_show_lists_the_intervals_and_update_targets():
    text = render(load_terms(EXAMPLE))
    assert (
        "Premium    2 hours wall time       4 hours business hours  2 business days  never quiet"
        in text
    )
    assert "Premium    2 hours         1 business day  -               -" in text
