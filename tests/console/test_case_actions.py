"""Every form on the console's case page: success redirects back with a message; a refusal
re-renders the page with the service's sentence next to its field and the typed text kept."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casedesk.cases import services as cs
from casedesk.cases.models import Attachment, Case, EventKind, PatchRequest
from casedesk.customers import services as customers
from casedesk.customers.models import QuotaEntry

from .conftest import NOW, field_errors, form_errors, open_case, selected, typed

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):  # type: ignore[no-untyped-def]
    return open_case(world.alice, minutes_ago=30, subject="Scheduler stalls")


def url(case: Case, action: str = "") -> str:
    return f"/console/cases/{case.tracking_number}/{action}"


def done(response, case: Case, anchor: str) -> str:  # type: ignore[no-untyped-def]
    """The redirect back to the case page, and the success message shown there."""
    assert response.status_code == 302
    assert response["Location"] == f"{url(case)}#{anchor}"
    return [str(m) for m in response.wsgi_request._messages][-1]


def kinds(case: Case) -> list[str]:
    return list(case.events.values_list("kind", flat=True))


# --- respond and note --------------------------------------------------------------------


def test_it_sends_a_public_reply_with_an_attachment(agent_client, case):
    log = SimpleUploadedFile("steps.txt", b"1. restart", content_type="text/plain")
    response = agent_client.post(url(case, "respond"), {"body": "Try this.", "attachments": log})
    assert done(response, case, "respond") == "Reply sent to Alice Adams."
    case.refresh_from_db()
    assert case.first_response_at == NOW
    assert case.response_outcome == "met"
    reply = case.events.get(kind=EventKind.REPLIED)
    assert (reply.body, reply.public) == ("Try this.", True)
    assert reply.attachments.get().name == "steps.txt"


def test_it_refuses_an_empty_reply_next_to_the_message(agent_client, case):
    response = agent_client.post(url(case, "respond"), {"body": "   "})
    assert response.status_code == 400
    assert field_errors(response, "respond", "body") == ["The reply is empty."]
    assert EventKind.REPLIED not in kinds(case)


def test_it_refuses_an_oversized_attachment_and_keeps_the_message(agent_client, case, settings):
    settings.CASEDESK_MAX_ATTACHMENT_BYTES = 1024
    big = SimpleUploadedFile("core.dump", b"x" * 2048)
    response = agent_client.post(url(case, "respond"), {"body": "See log", "attachments": big})
    assert field_errors(response, "respond", "attachments") == [
        "core.dump is 2 KB; the limit is 1 KB per file. Compress it or split it, then attach it again."
    ]
    assert typed(response, "respond-body") == "See log"


def test_it_adds_an_internal_note_that_does_not_stop_the_clock(agent_client, case):
    trace = SimpleUploadedFile("trace.log", b"trace")
    response = agent_client.post(
        url(case, "note"), {"body": "Looks like #412.", "attachments": trace}
    )
    assert done(response, case, "respond") == "Internal note added."
    note = case.events.get(kind=EventKind.NOTE)
    assert (note.body, note.public) == ("Looks like #412.", False)
    assert Attachment.objects.get(event=note).public is False
    case.refresh_from_db()
    assert case.first_response_at is None
    page = agent_client.get(url(case)).content.decode()
    assert '<li class="internal">' in page


def test_it_refuses_an_empty_note(agent_client, case):
    response = agent_client.post(url(case, "note"), {"body": ""})
    assert field_errors(response, "respond", "body") == ["The note is empty."]


# --- severity ----------------------------------------------------------------------------


def test_it_changes_the_severity_with_a_reason(agent_client, case):
    response = agent_client.post(
        url(case, "severity"), {"severity": "1", "reason": "Production is down."}
    )
    assert done(response, case, "severity") == f"{case.tracking_number} is now Severity 1."
    event = case.events.get(kind=EventKind.SEVERITY_CHANGED)
    assert (event.reason, event.data["to"]) == ("Production is down.", 1)


def test_it_asks_for_a_reason_and_keeps_the_chosen_severity(agent_client, case):
    response = agent_client.post(url(case, "severity"), {"severity": "2", "reason": ""})
    assert response.status_code == 400
    assert field_errors(response, "severity", "reason") == [
        "Give a reason for the severity change; it goes in the audit log."
    ]
    assert selected(response, "severity-severity") == "2"


@pytest.fixture
def globex_quota_used(world):  # type: ignore[no-untyped-def]
    """Standard: 10 Severity 1/2 incidents a year, all charged already."""
    for n in range(10):
        customers.charge_incident(world.agent, world.globex_sub, case_ref=f"OLD-{n}", at=NOW)


def test_it_shows_the_quota_and_its_refusal_inline(agent_client, world, globex_quota_used):
    case = open_case(world.bob, subject="Cluster down")
    page = agent_client.get(url(case)).content.decode()
    assert "Incident quota (Severity 1/2):" in page
    assert "10 of 10 used until 2027-01-01" in page
    response = agent_client.post(
        url(case, "severity"), {"severity": "2", "reason": "Half the nodes are down."}
    )
    assert field_errors(response, "severity", "severity") == [
        "Severity 2 is refused. Globex's Standard subscription has used its Severity 1/2 "
        "incidents: 10 of 10 used until 2027-01-01; a support engineer can override with a "
        "reason."
    ]
    assert typed(response, "severity-reason") == "Half the nodes are down."
    assert selected(response, "severity-severity") == "2"
    case.refresh_from_db()
    assert case.severity == 3


def test_it_overrides_the_quota_with_a_reason(agent_client, world, globex_quota_used):
    case = open_case(world.bob, subject="Cluster down")
    response = agent_client.post(
        url(case, "severity"),
        {"severity": "2", "reason": "Outage.", "override_quota_reason": "Renewal agreed."},
    )
    assert done(response, case, "severity") == f"{case.tracking_number} is now Severity 2."
    entry = QuotaEntry.objects.get(case_ref=case.tracking_number)
    assert (entry.kind, entry.reason) == ("override", "Renewal agreed.")
    assert EventKind.QUOTA_OVERRIDDEN in kinds(case)


def test_it_confirms_a_requested_severity(agent_client, world):
    case = open_case(world.alice, requested_severity=1, subject="Down")
    page = agent_client.get(url(case)).content.decode()
    assert "Severity 1 requested, awaiting confirmation" in page
    response = agent_client.post(url(case, "severity-request/confirm"), {"reason": ""})
    assert done(response, case, "confirm") == (
        f"Confirmed: {case.tracking_number} is now Severity 1."
    )
    case.refresh_from_db()
    assert (case.severity, case.severity_request) == (1, "confirmed")


def test_it_refuses_to_confirm_when_nothing_waits(agent_client, case):
    response = agent_client.post(url(case, "severity-request/confirm"), {"reason": "sure"})
    assert response.status_code == 400
    assert form_errors(response, "confirm") == [
        f"{case.tracking_number} has no severity request waiting."
    ]


def test_it_declines_a_requested_severity_with_a_reason(agent_client, world):
    case = open_case(world.alice, requested_severity=1, subject="Down")
    response = agent_client.post(
        url(case, "severity-request/decline"), {"reason": "One node only; Severity 3 fits."}
    )
    assert done(response, case, "decline") == (
        f"Declined: {case.tracking_number} stays at Severity 3."
    )
    assert case.events.get(kind=EventKind.SEVERITY_DECLINED).reason == (
        "One node only; Severity 3 fits."
    )


def test_it_asks_why_a_request_is_declined(agent_client, world):
    case = open_case(world.alice, requested_severity=1, subject="Down")
    response = agent_client.post(url(case, "severity-request/decline"), {"reason": " "})
    assert field_errors(response, "decline", "reason") == [
        "Tell the customer why the requested severity is declined."
    ]
    assert "Severity 1 requested, awaiting confirmation" in response.content.decode()


# --- assign, status, exclude -------------------------------------------------------------


def test_it_assigns_an_engineer(agent_client, world, case):
    response = agent_client.post(url(case, "assign"), {"assignee": str(world.manager.pk)})
    assert done(response, case, "assign") == f"{case.tracking_number} is assigned to manager."
    case.refresh_from_db()
    assert case.assignee == world.manager
    assert case.status == "triaged"
    response = agent_client.post(url(case, "assign"), {"assignee": ""})
    assert done(response, case, "assign") == f"{case.tracking_number} is assigned to nobody."


def test_it_refuses_to_assign_a_contact(agent_client, world, case):
    response = agent_client.post(url(case, "assign"), {"assignee": str(world.alice.user.pk)})
    assert field_errors(response, "assign", "assignee") == [
        f"Select a valid choice. {world.alice.user.pk} is not one of the available choices."
    ]
    case.refresh_from_db()
    assert case.assignee is None


def test_it_changes_the_status(agent_client, case):
    response = agent_client.post(url(case, "status"), {"status": "resolved", "reason": "Fixed."})
    assert done(response, case, "status") == f"{case.tracking_number} is now resolved."


def test_it_refuses_a_move_the_workflow_does_not_allow(agent_client, world, case):
    cs.close(world.agent, case)
    response = agent_client.post(url(case, "status"), {"status": "triaged", "reason": "oops"})
    assert field_errors(response, "status", "status") == [
        f"{case.tracking_number} is closed; it cannot move to triaged."
    ]
    assert typed(response, "status-reason") == "oops"


def test_it_closes_as_out_of_scope_with_a_code(agent_client, case):
    page = agent_client.get(url(case)).content.decode()
    assert '<option value="v">(v) Custom development services.</option>' in page
    response = agent_client.post(url(case, "exclude"), {"code": "v", "reason": "A new feature."})
    assert done(response, case, "exclude") == (
        f"{case.tracking_number} is closed as out of scope, exclusion (v)."
    )
    case.refresh_from_db()
    assert (case.status, case.exclusion_code) == ("excluded", "v")


def test_it_asks_for_an_exclusion_code_and_keeps_the_note(agent_client, case):
    response = agent_client.post(url(case, "exclude"), {"code": "", "reason": "Feature request."})
    assert field_errors(response, "exclude", "code") == [
        "Choose one of the terms' exclusion codes (a), (b), (c), (d), (e), (i), (ii), (iii), "
        "(iv), (v), (vi) to close a case as out of scope."
    ]
    assert typed(response, "exclude-reason") == "Feature request."


# --- emergency patches -------------------------------------------------------------------


def test_it_requests_and_delivers_an_emergency_patch(agent_client, case):
    response = agent_client.post(url(case, "patches"), {"summary": "Hotfix for the stall."})
    assert done(response, case, "patch") == "Emergency patch requested."
    patch = PatchRequest.objects.get(case=case)
    page = agent_client.get(url(case)).content.decode()
    assert "Hotfix for the stall." in page
    response = agent_client.post(
        url(case, f"patches/{patch.pk}/deliver"), {f"p{patch.pk}-note": "2.2.1-hf1 on the portal"}
    )
    assert done(response, case, "patches") == "Emergency patch marked as delivered."
    patch.refresh_from_db()
    assert (patch.state, patch.delivery_note) == ("delivered", "2.2.1-hf1 on the portal")


def test_it_shows_the_terms_refusal_for_a_level_without_patches(agent_client, world):
    case = open_case(world.bob, subject="Needs a fix")
    refusal = customers.patch_refusal(world.globex_sub)
    assert refusal
    response = agent_client.post(url(case, "patches"), {"summary": "Fix the leak."})
    assert field_errors(response, "patch", "summary") == [refusal]
    assert typed(response, "patch-summary") == "Fix the leak."
    assert not PatchRequest.objects.exists()


def test_it_asks_what_was_delivered_and_refuses_a_second_delivery(agent_client, world, case):
    patch = cs.request_patch(world.agent, case, "Hotfix")
    deliver = url(case, f"patches/{patch.pk}/deliver")
    response = agent_client.post(deliver, {f"p{patch.pk}-note": ""})
    assert field_errors(response, f"deliver-p{patch.pk}", "note") == [
        "Say what was delivered (version, download link, instructions)."
    ]
    cs.deliver_patch(world.agent, patch, "2.2.1-hf1")
    response = agent_client.post(deliver, {f"p{patch.pk}-note": "again"})
    assert response.status_code == 400
    assert "That emergency patch was already delivered." in form_errors_of(response, patch.pk)


def form_errors_of(response, pk: int) -> str:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    start = html.index(f'id="deliver-{pk}"')
    return html[start : html.index("</div>", start)]


def test_it_answers_404_for_a_patch_of_another_case(agent_client, world, case):
    other = open_case(world.carol, subject="Other")
    patch = cs.request_patch(world.agent, other, "Hotfix")
    response = agent_client.post(url(case, f"patches/{patch.pk}/deliver"), {"note": "x"})
    assert response.status_code == 404


def test_the_forms_need_post(agent_client, case):
    # A revisited form address leads back to the case page (post/redirect/get), changing nothing.
    response = agent_client.get(url(case, "respond"))
    assert response.status_code == 302
    assert response["Location"] == f"/console/cases/{case.tracking_number}/"
