"""Issue 17: the API case body carries a pending severity request's two clocks."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_a_severity_1_request_carries_both_clocks_and_the_page(alice):
    # NOW is Monday 23 Nov 2026, 10:00 PT; alice is Premium (24x7), in Pacific time.
    case = alice.post("/api/cases", {"subject": "Down", "requested_severity": 1}).json()
    clocks = case["request_clocks"]
    assert clocks["severity"] == 3 and clocks["requested"] == 1
    assert clocks["requested_target"] == "1 hour"
    assert clocks["deadline"] == case["response_deadline"]
    assert clocks["deadline_if_confirmed_now"].startswith("2026-11-23T19:00:00")  # 11:00 PT
    assert clocks["pages_on_duty"] is True
    assert clocks["text"] == [
        "Severity 3 now: due Tue 24 Nov 2026, 10:00 PST; if an engineer confirms Severity 1: "
        "due 1 hour from confirmation (Mon 23 Nov 2026, 11:00 PST if confirmed now).",
        "On your Premium level a Severity 1 request pages the on-duty engineer now, before it "
        "is confirmed.",
    ]
    again = alice.get(f"/api/cases/{case['ref']}").json()
    assert again["request_clocks"] == clocks


def test_no_request_no_clocks_and_business_hours_levels_do_not_page(alice, bob):
    plain = alice.post("/api/cases", {"subject": "Question", "requested_severity": 3}).json()
    assert plain["request_clocks"] is None
    standard = bob.post("/api/cases", {"subject": "Down", "requested_severity": 1}).json()
    assert standard["request_clocks"]["pages_on_duty"] is False
    assert len(standard["request_clocks"]["text"]) == 1


def test_the_clocks_are_in_the_openapi_document(openapi_doc):
    props = openapi_doc["components"]["schemas"]["CaseOut"]["properties"]
    assert "request_clocks" in props
