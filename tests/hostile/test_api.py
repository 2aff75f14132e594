"""Every operation of the OpenAPI document, as every role, with each hostile value in its path
parameters, query string and JSON or multipart body: never a 5xx, always the error shape."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from .conftest import Target, bearer, page_client
from .inputs import HOSTILE, Operation, encode, form_body, hostile_bodies, json_text, operations
from .probe import Probe

pytestmark = pytest.mark.django_db

API_ROLES = ("anonymous", "contact", "engineer")
# Bodies no JSON parser reads as an object: raw NUL, a raw control character in a string,
# invalid UTF-8 (a surrogate's bytes), nothing, and JSON that is not an object.
RAW_BODIES: dict[str, bytes] = {
    "raw NUL": b"\x00",
    "raw control character": b'{"body": "a\x00b"}',
    "invalid UTF-8": b'{"body": "\xed\xa0\x80"}',
    "not JSON": b"{body",
    "JSON number past 64 bits": str(2**70).encode(),
    "JSON null": b"null",
}
BAD_MULTIPART = {
    "no boundary": ("multipart/form-data", b"--x\r\n\r\n"),
    "garbage": ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: bogus\r\n\r\n"),
    "bad length": ("multipart/form-data; boundary=x", b"\x00" * 10),
}


def _shaped(probe: Probe, what: str, response: Any) -> None:
    """A refusal is JSON with a detail sentence and the field (or null)."""
    if 400 <= response.status_code < 500:
        body = response.json() if "json" in response.get("Content-Type", "") else None
        if not (isinstance(body, dict) and {"detail", "field"} <= body.keys()):
            probe.failures.append(f"{response.status_code} without the error shape [{what}]")


def _attack(probe: Probe, op: Operation, fillers: dict[str, str], doc: dict[str, Any]) -> None:
    url = op.url(fillers)
    for what, value in HOSTILE.items():
        for param in op.path_params:
            response = probe.send(f"{param}={what}", op.method, op.url({**fillers, param: value}))
            _shaped(probe, f"{op.method} {op.path} {param}={what}", response)
        for name in op.query_params:  # one at a time: a schema refuses the lot at the first
            response = probe.send(f"{name}={what}", op.method, f"{url}?{form_body({name: value})}")
            _shaped(probe, f"{op.method} {op.path} {name}={what}", response)
    if op.body is not None:
        for what, body in hostile_bodies(op.body, doc):
            response = probe.send(
                what, op.method, url, json_text(body), content_type="application/json"
            )
            _shaped(probe, f"{op.method} {op.path} {what}", response)
        for what, raw in RAW_BODIES.items():
            response = probe.send(what, op.method, url, raw, content_type="application/json")
            _shaped(probe, f"{op.method} {op.path} {what}", response)
    if op.multipart is not None:
        for what, value in HOSTILE.items():
            fields = {name: value for name in op.multipart.get("properties", {})}
            body = form_body(fields)
            response = probe.send(f"form {what}", op.method, url, body)
            _shaped(probe, f"{op.method} {op.path} form {what}", response)
        for what, (content_type, raw) in BAD_MULTIPART.items():
            response = probe.send(what, op.method, url, raw, content_type=content_type)
            _shaped(probe, f"{op.method} {op.path} {what}", response)


@pytest.mark.parametrize("role", API_ROLES)
def test_it_answers_every_operation_without_a_5xx(
    role: str, world: Any, target: Target, openapi_doc: dict[str, Any]
) -> None:
    probe = Probe(page_client(world, "anonymous"), headers=bearer(world, role))
    fillers = {**target.fillers(), "pk": str(target.attachment)}
    ops = operations(openapi_doc)
    for op in ops:
        _attack(probe, op, fillers, openapi_doc)
    assert not probe.failures, probe.report()
    assert len(ops) > 15 and probe.sent > 400


def test_it_refuses_nul_and_surrogates_in_json_text_naming_the_field(world, target) -> None:
    probe = Probe(page_client(world, "anonymous"), headers=bearer(world, "contact"))
    url = f"/api/cases/{target.ref}/replies"
    nul = probe.send(
        "NUL", "POST", url, json.dumps({"body": "a\x00b"}), content_type="application/json"
    )
    assert nul.status_code == 400
    assert nul.json() == {
        "detail": "Body contains a NUL character (\\u0000); remove it.",
        "field": "body",
    }
    lone = probe.send(
        "surrogate", "POST", url, '{"body": "\\ud800"}', content_type="application/json"
    )
    assert lone.status_code == 400
    assert lone.json()["field"] == "body"
    assert "lone surrogate" in lone.json()["detail"]


def test_it_refuses_nul_in_the_path_and_query_string_as_json(world, target) -> None:
    probe = Probe(page_client(world, "anonymous"), headers=bearer(world, "engineer"))
    query = probe.send("NUL", "GET", "/api/queue?level=a%00")
    assert query.status_code == 400
    assert query.json() == {
        "detail": "The query parameter 'level' contains a NUL character (%00); remove it.",
        "field": "level",
    }
    path = probe.send("NUL", "GET", "/api/cases/CASE%00")
    assert path.status_code == 400
    assert path.json()["field"] is None


@pytest.mark.parametrize("ref", ["²", str(2**64), "CASE-²"])
def test_a_case_reference_no_case_can_have_is_a_404(world, target, ref: str) -> None:
    probe = Probe(page_client(world, "anonymous"), headers=bearer(world, "contact"))
    response = probe.send(ref, "GET", f"/api/cases/{encode(ref)}")
    assert response.status_code == 404
    assert response.json() == {"detail": f"No case {ref} that you can see.", "field": None}


def test_it_answers_an_oversized_body_in_the_error_shape(world, target, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    probe = Probe(page_client(world, "anonymous"), headers=bearer(world, "contact"))
    body = json.dumps({"body": "x" * 2000})
    response = probe.send(
        "big", "POST", f"/api/cases/{target.ref}/replies", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The request body is over 1000 bytes (files excepted); send less text, and "
        "files as multipart uploads.",
        "field": None,
    }


def test_it_answers_an_oversized_multipart_text_in_the_error_shape(world, target, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    probe = Probe(page_client(world, "anonymous"), headers=bearer(world, "contact"))
    url = f"/api/cases/{target.ref}/attachments"
    response = probe.client.post(
        url, {"body": "x" * 2000, "file": SimpleUploadedFile("a.txt", b"a")}, headers=probe.headers
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("The request body is over 1000 bytes")


def test_it_answers_too_many_fields_in_the_error_shape(world, target, settings) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2
    probe = Probe(page_client(world, "anonymous"), headers=bearer(world, "contact"))
    url = f"/api/cases/{target.ref}/attachments"
    fields = {"body": "x", "a": "1", "b": "2", "file": SimpleUploadedFile("a.txt", b"a")}
    response = probe.client.post(url, fields, headers=probe.headers)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The request sends too many fields or files; send fewer.",
        "field": None,
    }


def test_it_answers_a_broken_multipart_body_in_the_error_shape(world, target) -> None:
    probe = Probe(page_client(world, "anonymous"), headers=bearer(world, "contact"))
    url = f"/api/cases/{target.ref}/attachments"
    response = probe.send("broken", "POST", url, b"--x\r\n", content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The multipart body cannot be read; send a well-formed multipart/form-data body.",
        "field": None,
    }


def test_the_document_states_the_rules_the_services_enforce(openapi_doc) -> None:
    schemas = openapi_doc["components"]["schemas"]
    severity = schemas["SeverityIn"]["properties"]["severity"]
    assert (severity["type"], severity["minimum"], severity["maximum"]) == ("integer", 1, 4)
    assert schemas["ReplyIn"]["properties"]["body"] | {"title": ""} == {
        "type": "string",
        "minLength": 1,
        "pattern": r"\S",
        "title": "",
    }


def test_a_boolean_is_not_a_severity(world, target) -> None:
    probe = Probe(page_client(world, "anonymous"), headers=bearer(world, "engineer"))
    url = f"/api/cases/{target.ref}/severity"
    body = json.dumps({"severity": True, "reason": "Production down"})
    response = probe.send("bool", "POST", url, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Severity must be a whole number."
