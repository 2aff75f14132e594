from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_schema_documents_every_endpoint_with_bearer_auth(openapi_doc):
    assert openapi_doc["info"]["title"] == "casedesk API"
    schemes = openapi_doc["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    for path, ops in openapi_doc["paths"].items():
        for method, op in ops.items():
            assert op["security"], f"{method} {path} is open"
            assert "401" in op["responses"], f"{method} {path} documents no 401"
            for status, response in op["responses"].items():
                if status.startswith("4"):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorOut"}


def test_the_docs_page_is_served():
    response = Client().get("/api/docs")
    assert response.status_code == 200
    assert b"/api/openapi.json" in response.content


def test_an_unknown_api_path_is_a_json_404(alice):
    response = alice.client.get("/api/nothing", headers={"Authorization": f"Bearer {alice.token}"})
    assert response.status_code == 404
