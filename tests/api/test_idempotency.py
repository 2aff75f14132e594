"""`Idempotency-Key` on the API's POSTs: a retry gets the first response and changes nothing."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from casedesk.api import idempotency
from casedesk.api.models import ApiToken, IdempotentRequest
from casedesk.cases.models import Attachment, Case
from casedesk.lib import clock

from .conftest import NOW, Caller, open_case, refused
from .openapi import check_response

pytestmark = pytest.mark.django_db

NEW_CASE = {"subject": "Scheduler stuck", "description": "Jobs stay queued.", "product": "DC/OS"}


def _post(caller: Caller, path: str, body: Any, key: str) -> Any:
    response = caller.client.post(
        path,
        json.dumps(body),
        content_type="application/json",
        headers={**caller._headers(), "Idempotency-Key": key},
    )
    check_response(caller.doc, "POST", path, response)
    return response


def test_a_retry_with_the_same_key_gets_the_first_response_and_opens_no_second_case(alice):
    key = str(uuid.uuid4())
    first = _post(alice, "/api/cases", NEW_CASE, key)
    again = _post(alice, "/api/cases", NEW_CASE, key)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Case.objects.count() == 1


def test_without_a_key_every_request_counts(alice):
    alice.post("/api/cases", NEW_CASE)
    alice.post("/api/cases", NEW_CASE)
    assert Case.objects.count() == 2


def test_the_same_key_with_another_body_is_refused_with_a_sentence(alice):
    key = str(uuid.uuid4())
    _post(alice, "/api/cases", NEW_CASE, key)
    other = _post(alice, "/api/cases", {**NEW_CASE, "subject": "Another problem"}, key)

    refused(other, 422, idempotency.OTHER_REQUEST, "Idempotency-Key")
    assert list(Case.objects.values_list("subject", flat=True)) == ["Scheduler stuck"]


def test_keys_belong_to_one_token(alice, bob):
    key = str(uuid.uuid4())
    mine = _post(alice, "/api/cases", NEW_CASE, key)
    theirs = _post(bob, "/api/cases", NEW_CASE, key)

    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["ref"] != theirs.json()["ref"]
    assert "Idempotent-Replayed" not in theirs


def test_a_refusal_is_replayed_too(alice, world):
    key = str(uuid.uuid4())
    missing = "/api/cases/CASE-999999/replies"
    first = _post(alice, missing, {"body": "Any news?"}, key)
    again = _post(alice, missing, {"body": "Any news?"}, key)
    assert first.status_code == again.status_code == 404
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"


def test_a_bad_key_is_refused_and_nothing_is_opened(alice):
    refused(
        _post(alice, "/api/cases", NEW_CASE, "x" * 256), 400, idempotency.BAD_KEY, "Idempotency-Key"
    )
    assert Case.objects.count() == 0


def _hold_as_if_running(caller: Caller, body: Any, key: str) -> None:
    """What the first request holds while it runs (as `idempotency.idempotent` does)."""
    request = RequestFactory().post("/api/cases", json.dumps(body), content_type="application/json")
    token = ApiToken.objects.for_bearer(caller.token or "")
    assert token is not None
    held = idempotency.begin(
        f"token:{token.pk}", key, idempotency.request_fingerprint(request), NOW
    )
    assert isinstance(held, idempotency.Held)


def test_a_retry_while_the_first_still_runs_is_told_to_retry_later(alice, settings):
    settings.CASEDESK_IDEMPOTENCY_LOCK_SECONDS = 90
    key = str(uuid.uuid4())
    _hold_as_if_running(alice, NEW_CASE, key)

    busy = _post(alice, "/api/cases", NEW_CASE, key)
    refused(busy, 409, idempotency.IN_PROGRESS, "Idempotency-Key")
    assert busy["Retry-After"] == "1"
    assert Case.objects.count() == 0


def test_a_key_whose_request_crashed_is_taken_over_after_its_hold(alice, settings):
    settings.CASEDESK_IDEMPOTENCY_LOCK_SECONDS = 90
    key = str(uuid.uuid4())
    _hold_as_if_running(alice, NEW_CASE, key)  # and the server died: nothing committed

    with clock.pinned(NOW + dt.timedelta(seconds=91)):
        retried = _post(alice, "/api/cases", NEW_CASE, key)
        replayed = _post(alice, "/api/cases", NEW_CASE, key)
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried
    assert replayed.json() == retried.json()
    assert Case.objects.count() == 1


def test_keys_expire_after_24_hours_and_are_purged(alice):
    key = str(uuid.uuid4())
    _post(alice, "/api/cases", NEW_CASE, key)
    later = NOW + dt.timedelta(hours=24, minutes=1)

    assert idempotency.purge_expired(NOW + dt.timedelta(hours=23)) == 0
    assert idempotency.purge_expired(later) == 1
    assert IdempotentRequest.objects.count() == 0
    with clock.pinned(later):
        fresh = _post(alice, "/api/cases", NEW_CASE, key)
    assert fresh.status_code == 201 and "Idempotent-Replayed" not in fresh
    assert Case.objects.count() == 2


def test_an_unauthenticated_request_stores_nothing(anonymous):
    anonymous.token = "cdk_wrong"
    response = _post(anonymous, "/api/cases", NEW_CASE, "k1")
    assert response.status_code == 401
    assert IdempotentRequest.objects.count() == 0


def test_the_openapi_document_describes_the_header_on_every_post(openapi_doc):
    for path, operations in openapi_doc["paths"].items():
        for method, operation in operations.items():
            names = [p["name"] for p in operation.get("parameters", [])]
            assert ("Idempotency-Key" in names) == (method == "post"), (method, path)
    post = openapi_doc["paths"]["/api/cases"]["post"]
    header = next(p for p in post["parameters"] if p["name"] == "Idempotency-Key")
    assert header["in"] == "header" and "24 hours" in header["description"]
    assert {"409", "422"} <= set(post["responses"])


def test_an_upload_retried_with_its_key_attaches_the_file_once(alice, world):
    case = open_case(world.alice)
    path = f"/api/cases/{case.tracking_number}/attachments"

    def send() -> Any:
        data = {"file": SimpleUploadedFile("log.txt", b"boom\n"), "body": "The log."}
        headers = {**alice._headers(), "Idempotency-Key": "upload-1"}
        return alice.client.post(path, data, headers=headers)

    first, again = send(), send()
    assert first.status_code in (200, 201) and again.status_code == first.status_code
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert Attachment.objects.filter(case=case).count() == 1
