"""Invalid terms files are rejected with the exact key path and what is wrong."""

from __future__ import annotations

import pytest

from casedesk.terms import TermsError, parse_terms
from casedesk.terms.document import default_terms_text

BASE = default_terms_text()


def _broken(old: str, new: str) -> str:
    assert old in BASE, f"fixture text not in default.toml: {old!r}"
    return BASE.replace(old, new, 1)


CASES = [
    (
        'sev2 = "4 hours"',
        'sev2 = "4 hourz"',
        "levels.premium.targets.sev2",
        '"4 hourz" is not a duration',
    ),
    ('opens = "09:00"', 'opens = "9am"', "calendar.opens", '"9am" is not a time of day'),
    (
        'closes = "17:00"',
        'closes = "08:00"',
        "calendar",
        "opens (09:00) must be before closes (08:00)",
    ),
    (
        'nodes = "101-500"',
        'nodes = "102-500"',
        "levels.premium.contact_tiers",
        "must start at 101 nodes",
    ),
    (
        'nodes = "501+"',
        'nodes = "lots"',
        "levels.premium.contact_tiers.2.nodes",
        "is not a node range",
    ),
    (
        "limit = 10",
        "limit = 0",
        "levels.standard.annual_incidents.limit",
        "greater than or equal to 1",
    ),
    (
        'annual_incidents = "unlimited" #',
        'annual_incidents = "many" #',
        "levels.signature.annual_incidents",
        'must be "unlimited" or a table',
    ),
    (
        'coverage = "24x7x365"          #',
        'coverage = "always" #',
        "levels.signature.coverage",
        "'24x7x365' or 'business_hours'",
    ),
    (
        'unsupported_exclusion = "d"',
        'unsupported_exclusion = "z"',
        "versions.unsupported_exclusion",
        '"z" is not an exclusion code',
    ),
    ('vendor = "Mesosphere"', 'vendor = "Mesosphere"\nvendr = "typo"', "vendr", "unknown key"),
    (
        "initial_severity = 3",
        "initial_severity = 7",
        "channels.web.initial_severity",
        "less than or equal to 4",
    ),
    (
        "extra = []",
        'extra = ["2026-02-30"]',
        "calendar.holidays.extra.0",
        "day value is outside expected range",
    ),
    (
        'timezone = "America/Los_Angeles"',
        'timezone = "Mars/Olympus"',
        "calendar.timezone",
        "is not an IANA time zone",
    ),
    ('country = "US"', 'country = "XX"', "calendar.holidays.country", "is not a country"),
    (
        'business_days = ["mon"',
        'business_days = ["monday"',
        "calendar.business_days",
        "'monday' is not a weekday",
    ),
    ('tracking_prefix = "CASE"', 'tracking_prefix = "case-"', "tracking_prefix", "capital letters"),
    ("[severities.sev4]", "[severities.sev5]", "severities.sev4", "is required but missing"),
    (
        'sev1 = "15 minutes"',
        'sev1 = "0 minutes"',
        "levels.signature.targets.sev1",
        "longer than zero",
    ),
]


@pytest.mark.parametrize(("old", "new", "path", "message"), CASES, ids=[c[2] for c in CASES])
def test_it_names_the_key_and_the_problem(old, new, path, message):
    with pytest.raises(TermsError) as info:
        parse_terms(_broken(old, new))
    paths = {p.path: p.message for p in info.value.problems}
    assert path in paths, f"expected a problem at {path}, got {paths}"
    assert message in paths[path]


def test_it_reports_toml_syntax_errors_with_the_line():
    with pytest.raises(TermsError, match=r"not valid TOML: .*line 2"):
        parse_terms('version = "1"\nvendor = = "x"\n')


def test_it_reports_every_problem_at_once():
    text = _broken('sev2 = "4 hours"', 'sev2 = "4 hourz"').replace(
        "initial_severity = 3", "initial_severity = 9"
    )
    with pytest.raises(TermsError) as info:
        parse_terms(text)
    assert {p.path for p in info.value.problems} >= {
        "levels.premium.targets.sev2",
        "channels.web.initial_severity",
    }


def test_the_default_file_is_valid():
    terms = parse_terms(BASE)
    assert terms.version == "2026-01"
    assert terms.tracking_prefix == "CASE"
