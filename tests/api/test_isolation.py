"""Alice (Acme) against other organisations' cases: every case endpoint in the OpenAPI document
answers 404 with the same sentence as for a case that does not exist, and changes nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casedesk.cases import services as cs
from casedesk.cases.models import Attachment, Case, CaseEvent, PatchRequest

from .conftest import open_case, refused

pytestmark = pytest.mark.django_db

# A valid body for every case endpoint, so a 404 cannot come from validation first.
BODIES: dict[tuple[str, str], dict] = {
    ("get", "/api/cases/{ref}"): {},
    ("post", "/api/cases/{ref}/replies"): {"body": "hello"},
    ("post", "/api/cases/{ref}/severity-requests"): {"severity": 1, "reason": "x"},
    ("post", "/api/cases/{ref}/reopen"): {"reason": "x"},
    ("post", "/api/cases/{ref}/patch-requests"): {"summary": "x"},
    ("get", "/api/cases/{ref}/attachments"): {},
    ("post", "/api/cases/{ref}/attachments"): {"body": "x"},
    ("get", "/api/cases/{ref}/attachments/{pk}"): {},
    ("post", "/api/cases/{ref}/responses"): {"body": "x"},
    ("post", "/api/cases/{ref}/notes"): {"body": "x"},
    ("post", "/api/cases/{ref}/severity"): {"severity": 1, "reason": "x"},
    ("post", "/api/cases/{ref}/severity-requests/confirm"): {},
    ("post", "/api/cases/{ref}/severity-requests/decline"): {"reason": "x"},
    ("post", "/api/cases/{ref}/assignee"): {"assignee": None},
    ("post", "/api/cases/{ref}/status"): {"status": "closed"},
    ("post", "/api/cases/{ref}/exclusion"): {"code": "a"},
    ("post", "/api/cases/{ref}/patch-requests/{pk}/delivery"): {"note": "x"},
    ("post", "/api/cases/{ref}/classification"): {"kind": "problem"},
    ("post", "/api/cases/{ref}/info-requests"): {"items": ["logs"]},
    ("post", "/api/cases/{ref}/resolution"): {"how": "answered"},
    ("get", "/api/cases/{ref}/links"): {},
    ("post", "/api/cases/{ref}/links"): {"case": "CASE-1"},
    ("delete", "/api/cases/{ref}/links/{other}"): {},
    ("post", "/api/cases/{ref}/merge"): {"into": "CASE-1"},
    ("get", "/api/cases/{ref}/followers"): {},
    ("post", "/api/cases/{ref}/followers"): {"email": "alice@acme.example"},
    ("post", "/api/cases/{ref}/followers/remove"): {"email": "alice@acme.example"},
    ("post", "/api/cases/{ref}/take"): {},
}


def test_every_case_endpoint_is_in_the_sweep(openapi_doc):
    documented = {
        (method, path)
        for path, ops in openapi_doc["paths"].items()
        if "{ref}" in path
        for method in ops
    }
    assert documented == set(BODIES)


def _others_cases(world):  # type: ignore[no-untyped-def]
    bobs = open_case(world.bob, requested_severity=1)
    carols = open_case(world.carol, requested_severity=1)
    cs.customer_reply(world.bob, bobs, body="log", attachments=[("a.log", "text/plain", b"x")])
    cs.request_patch(world.carol, carols, "Fix it.")
    return bobs, carols


def _call(caller, method, template, case, ref):  # type: ignore[no-untyped-def]
    pk = (
        Attachment.objects.filter(case=case).values_list("pk", flat=True).first()
        if "attachments" in template
        else PatchRequest.objects.filter(case=case).values_list("pk", flat=True).first()
    )
    path = template.replace("{ref}", str(ref)).replace("{pk}", str(pk or 1))
    path = path.replace("{other}", "CASE-1")
    body = BODIES[(method, template)]
    if method == "get":
        return caller.get(path)
    if method == "delete":
        return caller.delete(path)
    if template.endswith("/attachments"):
        return caller.upload(path, file=SimpleUploadedFile("x.txt", b"x"), **body)
    return caller.post(path, body)


@pytest.mark.parametrize(("method", "template"), sorted(BODIES))
def test_alice_gets_404_on_other_organisations_cases(alice, world, method, template):
    for case in _others_cases(world):
        events = CaseEvent.objects.filter(case=case).count()
        for ref in (case.tracking_number, case.pk):
            response = _call(alice, method, template, case, ref)
            refused(response, 404, f"No case {ref} that you can see.")
        assert CaseEvent.objects.filter(case=case).count() == events
        case.refresh_from_db()
        assert (case.status, case.severity, case.severity_request) == ("new", 3, "pending")


@pytest.mark.parametrize(("method", "template"), sorted(BODIES))
def test_an_unknown_case_looks_the_same(alice, world, method, template):
    response = _call(alice, method, template, None, "CASE-99999")
    refused(response, 404, "No case CASE-99999 that you can see.")


def test_alice_cannot_see_them_in_any_list(alice, world):
    bobs, carols = _others_cases(world)
    mine = open_case(world.alice)
    for params in ({}, {"status": "open"}, {"severity": 3}, {"page_size": 100}):
        rows = alice.get("/api/cases", **params).json()["items"]
        assert [r["ref"] for r in rows] == [mine.tracking_number]
    assert Case.objects.count() == 3


def test_a_file_of_another_case_is_not_reachable_through_her_own(alice, world):
    bobs, _ = _others_cases(world)
    mine = open_case(world.alice)
    theirs = Attachment.objects.get(case=bobs)
    response = alice.get(f"/api/cases/{mine.tracking_number}/attachments/{theirs.pk}")
    refused(response, 404, "No such file on this case.")
