"""Issue 17: the incident quota at the moment of choice, through the API. A contact reads it
before sending (GET /subscription) and gets it back on the case that asks for a quota severity;
nobody reads another customer's quota."""

from __future__ import annotations

import pytest

from casedesk.customers import services as customers
from tests.cases.helpers import pt

from .conftest import open_case, refused

pytestmark = pytest.mark.django_db

NINE = "9 of 10 Severity 1/2 incidents used this subscription year (renews 2027-01-01)"
TEN = "10 of 10 Severity 1/2 incidents used this subscription year (renews 2027-01-01)"
DECLINED = (
    "All incidents of this subscription year are used: a request for Severity 1 or 2 will "
    "likely be declined unless a support engineer overrides the quota. The case itself is "
    "accepted either way."
)


def _use(world, n: int) -> None:
    for i in range(n):
        customers.charge_incident(
            world.agent, world.globex_sub, case_ref=f"OLD-{i}", at=pt(2026, 5, 1, 10, i)
        )


def test_a_standard_contact_reads_the_quota_before_opening_a_case(bob, world):
    _use(world, 9)
    body = bob.get("/api/subscription").json()
    assert body["level"] == "Standard"
    assert body["quota"] == {
        "severities": [1, 2],
        "used": 9,
        "limit": 10,
        "renews_on": "2027-01-01",
        "exhausted": False,
        "text": NINE,
    }
    assert body["warnings"] == [NINE]


def test_with_the_quota_used_up_the_warning_says_the_request_will_likely_be_declined(bob, world):
    _use(world, 10)
    body = bob.get("/api/subscription").json()
    assert body["quota"]["exhausted"] is True
    assert body["warnings"] == [TEN, DECLINED]

    response = bob.post(
        "/api/cases", {"subject": "Cluster down", "requested_severity": 1, "description": "x"}
    )
    assert response.status_code == 201  # accepted all the same
    case = response.json()
    assert (case["severity"], case["requested_severity"]) == (3, 1)
    assert case["warnings"] == [TEN, DECLINED]


def test_the_warning_comes_back_on_the_case_that_asks_for_a_quota_severity(bob, world):
    _use(world, 9)
    quiet = bob.post("/api/cases", {"subject": "How do I rotate logs?", "requested_severity": 4})
    assert quiet.json()["warnings"] == []

    ref = quiet.json()["ref"]
    asked = bob.post(f"/api/cases/{ref}/severity-requests", {"severity": 2, "reason": "Outage"})
    assert asked.status_code == 200
    assert asked.json()["warnings"] == [NINE]
    assert bob.get(f"/api/cases/{ref}").json()["warnings"] == []  # reads carry no warnings


def test_a_level_without_a_quota_has_no_quota_and_no_warning(alice):
    body = alice.get("/api/subscription").json()
    assert (body["level"], body["quota"], body["warnings"]) == ("Premium", None, [])
    case = alice.post("/api/cases", {"subject": "Down", "requested_severity": 1}).json()
    assert case["warnings"] == []


def test_a_contact_never_reads_another_customers_quota(alice, bob, world):
    _use(world, 10)
    open_case(world.bob, requested_severity=1)
    assert "10 of 10" not in alice.get("/api/subscription").content.decode()
    assert bob.get("/api/subscription").json()["quota"]["used"] == 10


def test_engineers_have_no_subscription_of_their_own(agent):
    refused(
        agent.get("/api/subscription"),
        403,
        "Only designated support contacts can read their subscription.",
    )


def test_the_subscription_endpoint_is_in_the_openapi_document(openapi_doc):
    op = openapi_doc["paths"]["/api/subscription"]["get"]
    assert "200" in op["responses"]
    case_out = openapi_doc["components"]["schemas"]["CaseOut"]["properties"]
    assert "warnings" in case_out
