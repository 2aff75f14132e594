"""Issue 17: `GET /api/subscription` says what the level promises: the first-response target per
severity and the vendor's business hours (in the vendor's zone and on the contact's clock), the
same words as the portal's subscription page."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db


def test_it_gives_the_targets_per_severity(alice, bob):
    premium = alice.get("/api/subscription").json()["response_targets"]
    assert premium == [
        {"severity": 1, "name": "Severity 1", "target": "1 hour", "has_deadline": True},
        {"severity": 2, "name": "Severity 2", "target": "4 hours", "has_deadline": True},
        {"severity": 3, "name": "Severity 3", "target": "1 business day", "has_deadline": True},
        {
            "severity": 4,
            "name": "Severity 4",
            "target": "reasonable efforts",
            "has_deadline": False,
        },
    ]
    standard = bob.get("/api/subscription").json()["response_targets"]
    assert [t["target"] for t in standard] == [
        "1 business day", "2 business days", "reasonable efforts", "reasonable efforts",
    ]  # fmt: skip


def test_it_gives_the_business_hours_in_both_zones_and_the_next_holidays(bob, world):
    world.bob.time_zone = "Europe/Berlin"
    world.bob.save()
    hours = bob.get("/api/subscription").json()["business_hours"]
    assert hours["coverage"] == (
        "Business hours, 09:00–17:00 America/Los_Angeles, Monday to Friday except holidays"
    )
    assert hours["vendor"] == "Mon–Fri 09:00–17:00 America/Los_Angeles, except holidays"
    # NOW is Monday 23 Nov 2026 10:00 PST: a business day; 09:00–17:00 PST is 18:00–02:00 CET.
    assert hours["next_business_day"] == "2026-11-23"
    assert hours["in_your_zone"] == "Mon 18:00 – Tue 02:00 CET (Europe/Berlin)"
    assert hours["next_holidays"][0] == {"date": "2026-11-26", "name": "Thanksgiving Day"}
    assert all(
        dt.date.fromisoformat(h["date"]) >= dt.date(2026, 11, 23) for h in hours["next_holidays"]
    )


def test_a_24x7_level_says_so(alice):
    assert alice.get("/api/subscription").json()["business_hours"]["coverage"] == "24x7x365"


def test_the_schema_documents_targets_and_hours(openapi_doc):
    out = openapi_doc["components"]["schemas"]["SubscriptionOut"]
    assert {"response_targets", "business_hours"} <= set(out["required"])
    hours = openapi_doc["components"]["schemas"]["HoursOut"]["properties"]
    assert set(hours) == {
        "coverage",
        "vendor",
        "next_business_day",
        "in_your_zone",
        "next_holidays",
    }
