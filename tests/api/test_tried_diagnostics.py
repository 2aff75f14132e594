"""Issue 17: `POST /api/cases` takes what the terms ask (what was tried, diagnostics), stores
them in the first message under their headings, and documents both in the OpenAPI schema."""

from __future__ import annotations

import pytest

from casedesk.cases.models import Case
from casedesk.cases.services.sections import MAX_SECTION

pytestmark = pytest.mark.django_db

CASE = {"subject": "Scheduler stuck", "description": "Jobs stay queued since the upgrade."}


def test_it_stores_both_sections_in_the_first_message(alice):
    response = alice.post(
        "/api/cases",
        {**CASE, "tried": "Restarted the scheduler.", "diagnostics": "ERROR offer timeout"},
    )
    assert response.status_code == 201
    body = response.json()
    expected = (
        "Jobs stay queued since the upgrade.\n\n"
        "What we tried:\nRestarted the scheduler.\n\n"
        "Diagnostics (logs, versions, error messages):\nERROR offer timeout"
    )
    assert body["description"] == expected
    assert body["timeline"][0]["body"] == expected
    assert Case.objects.get().description == expected


def test_both_are_optional(alice):
    response = alice.post("/api/cases", CASE)
    assert response.status_code == 201
    assert response.json()["description"] == CASE["description"]


def test_too_long_a_section_is_refused_with_its_field(alice):
    response = alice.post("/api/cases", {**CASE, "tried": "x" * (MAX_SECTION + 1)})
    assert response.status_code == 400
    assert response.json()["field"] == "tried"
    assert (
        response.json()["detail"] == f"Tried: string should have at most {MAX_SECTION} characters."
    )
    assert not Case.objects.exists()


def test_the_schema_documents_both_fields(openapi_doc):
    schema = openapi_doc["components"]["schemas"]["OpenCaseIn"]["properties"]
    assert schema["tried"]["maxLength"] == schema["diagnostics"]["maxLength"] == MAX_SECTION
    assert "try to solve the problem first" in schema["tried"]["description"]
    assert "POST /api/cases/{ref}/attachments" in schema["diagnostics"]["description"]
