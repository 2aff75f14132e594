"""default.toml reproduces the seed terms cell by cell."""

from __future__ import annotations

import re
from pathlib import Path

import pytest  # noqa: F401

from casedesk.terms import Target, default_terms

# A copy of shared/seed/000_a7498d0d459a7b32.txt, the terms casedesk started from.
SEED = Path(__file__).resolve().parent / "data" / "seed_terms.txt"


@pytest.fixture(scope="module")
def terms():
    return default_terms()


@pytest.mark.parametrize(
    ("level", "severity", "target"),
    [
        ("signature", 1, Target("elapsed", 15)),
        ("signature", 2, Target("elapsed", 60)),
        ("signature", 3, Target("elapsed", 120)),
        ("signature", 4, Target("elapsed", 120)),
        ("premium", 1, Target("elapsed", 60)),
        ("premium", 2, Target("elapsed", 240)),
        ("premium", 3, Target("business_days", 1)),
        ("premium", 4, Target("reasonable_efforts")),
        ("standard", 1, Target("business_days", 1)),
        ("standard", 2, Target("business_days", 2)),
        ("standard", 3, Target("reasonable_efforts")),
        ("standard", 4, Target("reasonable_efforts")),
    ],
)
def test_it_has_every_response_target(terms, level, severity, target):
    assert terms.level(level).target(severity) == target


@pytest.mark.parametrize(
    ("level", "nodes", "limit"),
    [
        ("premium", 1, 4),
        ("premium", 100, 4),
        ("premium", 101, 8),
        ("premium", 500, 8),
        ("premium", 501, 12),
        ("premium", 100_000, 12),
        ("standard", 1, 2),
        ("standard", 10_000, 2),
        ("signature", 5_000, None),  # the seed gives no Signature numbers: no limit
    ],
)
def test_it_has_every_contact_tier(terms, level, nodes, limit):
    assert terms.level(level).contact_limit(nodes) == limit


def test_it_has_the_standard_incident_quota_only(terms):
    quota = terms.level("standard").quota
    assert quota is not None
    assert (quota.severities, quota.limit) == ((1, 2), 10)
    assert terms.level("premium").quota is None
    assert terms.level("signature").quota is None


def test_it_has_coverage_and_emergency_patches(terms):
    got = {k: (lv.name, lv.coverage, lv.emergency_patches) for k, lv in terms.levels.items()}
    assert got == {
        "signature": ("Signature", "24x7x365", True),
        "premium": ("Premium", "24x7x365", True),
        "standard": ("Standard", "business_hours", False),
    }


def test_it_has_the_channel_severities_and_calendar(terms):
    assert terms.channels.web.initial_severity == 3
    assert terms.channels.email.initial_severity == 4
    cal = terms.calendar
    assert cal.timezone == "America/Los_Angeles"
    assert cal.business_days == ("mon", "tue", "wed", "thu", "fri")
    assert (cal.opens.hour, cal.closes.hour, cal.day_minutes) == (9, 17, 480)
    assert cal.holidays.country == "US"


def _seed_text() -> str:
    return re.sub(r"\s+", " ", SEED.read_text(encoding="utf-8"))


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def test_it_has_all_eleven_exclusions_with_the_seed_text(terms):
    assert list(terms.exclusions) == ["a", "b", "c", "d", "e", "i", "ii", "iii", "iv", "v", "vi"]
    seed = _norm(_seed_text())
    for code, text in terms.exclusions.items():
        # The seed runs the clauses into one sentence; each text must appear in it, word for word.
        body = _norm(text)
        assert body[:60] in seed, f"exclusion ({code}) does not match the seed"


def test_it_has_the_severity_definitions_verbatim(terms):
    seed = _seed_text()
    for n in (1, 2, 3, 4):
        assert terms.severity(n).definition in seed, (
            f"Severity {n} definition differs from the seed"
        )
