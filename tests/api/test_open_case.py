from __future__ import annotations

import pytest

from casedesk.cases.models import Case, Channel

from .conftest import refused

pytestmark = pytest.mark.django_db


def test_it_opens_a_case_at_the_web_severity_with_the_request_pending(alice, world):
    response = alice.post(
        "/api/cases",
        {
            "subject": "Scheduler stuck",
            "description": "Jobs stay queued since the upgrade.",
            "requested_severity": 1,
            "product": "DC/OS",
            "version": "2.2.0",
        },
    )
    assert response.status_code == 201
    body = response.json()
    case = Case.objects.get()
    assert body["ref"] == case.tracking_number
    assert case.channel == Channel.API
    assert (body["channel"], body["severity"], body["requested_severity"]) == ("api", 3, 1)
    assert body["severity_request"] == "pending"
    assert body["status"] == "new"
    # Premium Sev 3 = 1 business day: Mon 10:00 PST + 8 business hours = Tue 10:00 PST.
    assert body["response_deadline"] == "2026-11-24T18:00:00Z"
    sla = body["sla"]
    assert sla["deadline"] == "2026-11-24T18:00:00Z"
    assert (sla["clock"], sla["outcome"], sla["late_by"]) == ("business_days", "pending", None)
    assert sla["target"] == "Premium, Severity 3: 1 business day"
    assert sla["explanation"][-2:] == [
        "Response deadline: Tue 24 Nov 2026, 10:00 PST",
        "First response: not yet — pending",
    ]
    kinds = [e["kind"] for e in body["timeline"]]
    assert kinds == ["received", "severity_requested"]
    assert body["timeline"][1]["summary"] == "Asked for Severity 1 (currently 3)"
    assert body["version_flag"] is None and body["assignee"] is None


def test_a_missing_subject_is_one_sentence_per_field(alice):
    response = alice.post("/api/cases", {"requested_severity": "high"})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Subject is required. Requested severity must be a whole number.",
        "field": "subject",
        "errors": [
            {"field": "subject", "detail": "Subject is required."},
            {"field": "requested_severity", "detail": "Requested severity must be a whole number."},
        ],
    }


def test_a_blank_subject_gets_the_service_sentence(alice):
    response = alice.post("/api/cases", {"subject": "  "})
    refused(response, 400, "A subject is required: say in a few words what is wrong.", "subject")
    assert not Case.objects.exists()


def test_an_unknown_severity_is_refused(alice):
    response = alice.post("/api/cases", {"subject": "Crash", "requested_severity": 7})
    refused(response, 400, "Severity must be 1, 2, 3 or 4.", "requested_severity")


def test_a_body_that_is_not_json_is_refused(alice):
    response = alice.client.post(
        "/api/cases",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {alice.token}"},
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "The request body is not valid JSON."


def test_an_engineer_cannot_open_a_case(agent):
    response = agent.post("/api/cases", {"subject": "Crash"})
    refused(response, 403, "Only designated support contacts can open cases.")


def test_a_contact_without_a_project_description_is_not_entitled(alice, world):
    world.acme_sub.project_description = ""
    world.acme_sub.save(update_fields=["project_description"])
    response = alice.post("/api/cases", {"subject": "Crash"})
    assert response.status_code == 400
    assert response.json()["field"] is None
    assert "Project/Application description" in response.json()["detail"]
