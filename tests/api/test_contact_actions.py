"""A contact's actions on their own case: reply, severity request, reopen, patch, files."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casedesk.cases import services as cs
from casedesk.cases.models import Case, PatchRequest
from casedesk.lib import clock
from tests.cases.helpers import REFUSED_AFTER_THE_FILE, files_in, refused_after_the_file

from .conftest import NOW, open_case, refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):  # type: ignore[no-untyped-def]
    return open_case(world.alice, description="Jobs stay queued.")


def _url(case, tail: str = "") -> str:  # type: ignore[no-untyped-def]
    return f"/api/cases/{case.tracking_number}{tail}"


def test_it_reads_a_case_by_tracking_number_or_id(alice, case):
    body = alice.get(_url(case)).json()
    assert (body["ref"], body["description"], body["level"]) == (
        case.tracking_number,
        "Jobs stay queued.",
        "Premium",
    )
    assert alice.get(f"/api/cases/{case.pk}").json()["ref"] == case.tracking_number


def test_it_replies(alice, case):
    response = alice.post(_url(case, "/replies"), {"body": "Logs attached later."})
    assert response.status_code == 200
    last = response.json()["timeline"][-1]
    assert (last["kind"], last["body"], last["actor"]) == (
        "customer_replied",
        "Logs attached later.",
        "Alice Adams <alice@acme.example>",
    )


def test_an_empty_reply_is_refused(alice, case):
    response = alice.post(_url(case, "/replies"), {"body": " "})
    refused(response, 400, "The reply is empty: write a message or attach a file.", "body")


def test_a_reply_long_after_closing_opens_a_follow_up(alice, world, case):
    cs.set_status(world.agent, case, "closed")
    with clock.pinned(NOW + dt.timedelta(days=60)):
        response = alice.post(_url(case, "/replies"), {"body": "It is back."})
    assert response.status_code == 201
    body = response.json()
    assert body["follows"] == case.tracking_number
    assert body["subject"] == f"Follow-up to {case.tracking_number}: Scheduler stuck"


def test_it_asks_for_a_severity_change(alice, case):
    response = alice.post(
        _url(case, "/severity-requests"), {"severity": 2, "reason": "Checkout is down."}
    )
    body = response.json()
    assert (body["severity"], body["requested_severity"], body["severity_request"]) == (
        3,
        2,
        "pending",
    )
    assert body["timeline"][-1]["reason"] == "Checkout is down."


def test_a_severity_request_is_refused_with_the_services_sentences(alice, case):
    url = _url(case, "/severity-requests")
    refused(
        alice.post(url, {"severity": 3, "reason": "x"}),
        400,
        f"{case.tracking_number} is already Severity 3.",
        "severity",
    )
    refused(
        alice.post(url, {"severity": 2, "reason": ""}),
        400,
        "Give a reason for the severity change; it goes in the audit log.",
        "reason",
    )
    refused(
        alice.post(url, {"severity": 0, "reason": "x"}),
        400,
        "Severity must be 1, 2, 3 or 4.",
        "severity",
    )


def test_it_reopens_a_resolved_case(alice, world, case):
    refused(
        alice.post(_url(case, "/reopen"), {"reason": "Still broken."}),
        400,
        f"{case.tracking_number} is still open; reply to it instead.",
    )
    cs.set_status(world.agent, case, "resolved")
    response = alice.post(_url(case, "/reopen"), {"reason": "Still broken."})
    assert response.json()["status"] == "triaged"
    refused(
        alice.post(_url(case, "/reopen"), {"reason": " "}),
        400,
        "Say why the case needs reopening.",
        "reason",
    )


def test_a_case_closed_too_long_ago_cannot_be_reopened(alice, world, case):
    cs.set_status(world.agent, case, "closed")
    days = case.terms_version.terms.cases.reopen_window_days
    with clock.pinned(NOW + dt.timedelta(days=days + 1)):
        response = alice.post(_url(case, "/reopen"), {"reason": "Still broken."})
    refused(
        response,
        400,
        f"{case.tracking_number} was closed more than {days} days ago and can no longer be "
        "reopened; open a new case and mention it.",
    )


def test_it_requests_an_emergency_patch(alice, case):
    response = alice.post(_url(case, "/patch-requests"), {"summary": "Fix the scheduler leak."})
    assert response.status_code == 201
    patch = PatchRequest.objects.get()
    assert response.json()["id"] == patch.pk
    assert response.json()["state"] == "requested"
    assert alice.get(_url(case)).json()["patches"][0]["summary"] == "Fix the scheduler leak."
    refused(
        alice.post(_url(case, "/patch-requests"), {"summary": ""}),
        400,
        "Describe what the emergency patch must fix.",
        "summary",
    )


def test_a_standard_plan_gets_the_terms_reason_for_no_patches(bob, world):
    case = open_case(world.bob)
    response = bob.post(_url(case, "/patch-requests"), {"summary": "Fix it."})
    refused(
        response,
        400,
        "Emergency patches are not included in the Standard level (terms 2026-01, Standard "
        "Level: “Emergency Patches: No”); they come with the Signature and Premium levels.",
        "summary",
    )
    assert not PatchRequest.objects.exists()


def test_it_uploads_lists_and_downloads_public_files(alice, world, case):
    upload = SimpleUploadedFile("scheduler.log", b"queue stuck\n", content_type="text/plain")
    response = alice.upload(_url(case, "/attachments"), file=upload, body="The log.")
    assert response.status_code == 200
    assert response.json()["timeline"][-1]["attachments"][0]["name"] == "scheduler.log"
    cs.add_note(world.agent, case, "Internal dump.", attachments=[("core.bin", "", b"\0")])
    files = alice.get(_url(case, "/attachments")).json()
    assert [(f["name"], f["size"], f["public"]) for f in files] == [("scheduler.log", 12, True)]
    download = alice.client.get(files[0]["url"], headers={"Authorization": f"Bearer {alice.token}"})
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"queue stuck\n"
    assert download["Content-Disposition"] == 'attachment; filename="scheduler.log"'
    internal = Case.objects.get().attachments.get(public=False)
    refused(alice.get(_url(case, f"/attachments/{internal.pk}")), 404, "No such file on this case.")


def test_an_oversized_upload_is_refused(alice, case, settings):
    settings.CASEDESK_MAX_ATTACHMENT_BYTES = 1024
    upload = SimpleUploadedFile("dump.bin", b"x" * 4096)
    response = alice.upload(_url(case, "/attachments"), file=upload)
    refused(
        response,
        400,
        "dump.bin is 4 KB; the limit is 1 KB per file. Compress it or split it, then attach it "
        "again.",
        "attachments",
    )
    assert not case.attachments.exists()


def test_an_upload_without_a_file_is_refused(alice, case):
    response = alice.upload(_url(case, "/attachments"), body="no file")
    assert response.status_code == 400
    assert response.json()["detail"] == "File is required."


@pytest.mark.django_db(transaction=True)  # real commits and rollbacks, as in production
def test_a_refused_upload_leaves_no_file_behind(alice, agent, case, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with refused_after_the_file():
        upload = SimpleUploadedFile("trace.log", b"stack\n", content_type="text/plain")
        refused(alice.upload(_url(case, "/attachments"), file=upload), 400, REFUSED_AFTER_THE_FILE)
        upload = SimpleUploadedFile("fix.patch", b"diff\n", content_type="text/plain")
        response = agent.upload(_url(case, "/attachments"), file=upload, body="A patch.")
        refused(response, 400, REFUSED_AFTER_THE_FILE)
    assert files_in(settings.MEDIA_ROOT) == []
    assert not case.attachments.exists()
