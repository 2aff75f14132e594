"""An engineer's queue and actions; a contact calling them gets 403 on own cases."""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk.cases import services as cs
from casedesk.cases.models import Case, CaseEvent
from casedesk.lib import clock

from .conftest import NOW, open_case, refused

pytestmark = pytest.mark.django_db


def _url(case, tail: str = "") -> str:  # type: ignore[no-untyped-def]
    return f"/api/cases/{case.tracking_number}{tail}"


def test_the_queue_lists_open_cases_by_deadline(agent, world):
    premium = open_case(world.alice, minutes_ago=5)  # Premium Sev 3: 1 business day
    signature = open_case(world.carol, minutes_ago=1)  # Signature Sev 3: 2 hours
    standard = open_case(world.bob)  # Standard Sev 3: reasonable efforts, no deadline
    done = open_case(world.alice)
    cs.set_status(world.agent, done, "closed")
    body = agent.get("/api/queue").json()
    assert [r["ref"] for r in body["items"]] == [
        signature.tracking_number,
        premium.tracking_number,
        standard.tracking_number,
    ]
    assert body["items"][2]["response_deadline"] is None
    assert agent.get("/api/queue", customer="globex").json()["count"] == 1
    assert agent.get("/api/queue", level="premium").json()["count"] == 1
    assert agent.get("/api/queue", assignee="none").json()["count"] == 3


def test_the_queue_filters_severity_requests_and_assignee(agent, world):
    asked = open_case(world.alice, requested_severity=1)
    open_case(world.alice)
    cs.assign(world.agent, asked, world.agent)
    assert [r["ref"] for r in agent.get("/api/queue", requests=True).json()["items"]] == [
        asked.tracking_number
    ]
    rows = agent.get("/api/queue", assignee="agent").json()["items"]
    assert [(r["ref"], r["assignee"]) for r in rows] == [(asked.tracking_number, "agent")]


def test_a_contact_cannot_see_the_queue(alice):
    refused(alice.get("/api/queue"), 403, "Only support engineers can see the queue.")


def test_it_responds_and_stops_the_clock(agent, world):
    case = open_case(world.alice, minutes_ago=30)
    body = agent.post(_url(case, "/responses"), {"body": "Looking into it."}).json()
    assert body["status"] == "triaged"  # a reply is work, not a wait (issue 16)
    assert body["first_response_at"] == "2026-11-23T18:00:00Z"
    assert (body["sla"]["outcome"], body["sla"]["explanation"][-1]) == (
        "met",
        "First response: Mon 23 Nov 2026, 10:00 PST — met",
    )
    refused(agent.post(_url(case, "/responses"), {"body": ""}), 400, "The reply is empty.", "body")


def test_a_note_stays_internal(agent, alice, world):
    case = open_case(world.alice)
    body = agent.post(_url(case, "/notes"), {"body": "Customer runs 1.10."}).json()
    assert body["timeline"][-1]["public"] is False
    assert body["first_response_at"] is None
    assert [e["kind"] for e in alice.get(_url(case)).json()["timeline"]] == ["received"]
    refused(agent.post(_url(case, "/notes"), {"body": " "}), 400, "The note is empty.", "body")


def test_it_changes_severity_with_a_reason(agent, world):
    case = open_case(world.alice)
    body = agent.post(_url(case, "/severity"), {"severity": 1, "reason": "Production down."})
    assert body.json()["severity"] == 1
    # Raised before the first response: Mon 10:00 PST + 1 hour (Premium Sev 1).
    assert body.json()["sla"]["deadline"] == "2026-11-23T19:00:00Z"
    refused(
        agent.post(_url(case, "/severity"), {"severity": 2, "reason": ""}),
        400,
        "Give a reason for the severity change; it goes in the audit log.",
        "reason",
    )


def test_past_the_quota_a_raise_needs_an_override(agent, world):
    for _ in range(10):
        cs.change_severity(world.agent, open_case(world.bob), 2, "Outage.")
    case = open_case(world.bob)
    response = agent.post(_url(case, "/severity"), {"severity": 1, "reason": "Outage."})
    assert response.status_code == 400
    assert response.json()["field"] == "severity"
    assert response.json()["detail"].startswith("Severity 1 is refused. Globex's Standard")
    assert response.json()["detail"].endswith("a support engineer can override with a reason.")
    assert "10 of 10" in response.json()["detail"]
    response = agent.post(
        _url(case, "/severity"),
        {"severity": 1, "reason": "Outage.", "override_quota_reason": "Agreed with sales."},
    )
    assert response.json()["severity"] == 1
    assert CaseEvent.objects.filter(case=case, kind="quota_overridden").exists()


def test_it_confirms_and_declines_severity_requests(agent, world):
    asked = open_case(world.alice, requested_severity=2)
    body = agent.post(_url(asked, "/severity-requests/confirm"), {}).json()
    assert (body["severity"], body["severity_request"]) == (2, "confirmed")
    refused(
        agent.post(_url(asked, "/severity-requests/confirm"), {}),
        400,
        f"{asked.tracking_number} has no severity request waiting.",
    )
    other = open_case(world.alice, requested_severity=1)
    refused(
        agent.post(_url(other, "/severity-requests/decline"), {"reason": ""}),
        400,
        "Tell the customer why the requested severity is declined.",
        "reason",
    )
    body = agent.post(_url(other, "/severity-requests/decline"), {"reason": "Not down."}).json()
    assert (body["severity"], body["severity_request"]) == (3, "declined")


def test_it_assigns_and_unassigns(agent, world):
    case = open_case(world.alice)
    body = agent.post(_url(case, "/assignee"), {"assignee": "manager"}).json()
    assert (body["assignee"], body["status"]) == ("manager", "triaged")
    assert agent.post(_url(case, "/assignee"), {"assignee": None}).json()["assignee"] is None
    refused(
        agent.post(_url(case, "/assignee"), {"assignee": "alice"}),
        400,
        "alice is not a support engineer.",
        "assignee",
    )
    refused(
        agent.post(_url(case, "/assignee"), {"assignee": "ghost"}),
        400,
        "There is no user 'ghost'.",
        "assignee",
    )


def test_it_changes_status(agent, world):
    case = open_case(world.alice)
    body = agent.post(_url(case, "/status"), {"status": "resolved", "reason": "Fixed."}).json()
    assert body["status"] == "resolved" and body["closed_at"] == "2026-11-23T18:00:00Z"
    agent.post(_url(case, "/status"), {"status": "closed"})
    refused(
        agent.post(_url(case, "/status"), {"status": "triaged"}),
        400,
        f"{case.tracking_number} is closed; it cannot move to triaged.",
        "status",
    )
    refused(
        agent.post(_url(case, "/status"), {"status": "lost"}),
        400,
        "Unknown status 'lost'.",
        "status",
    )


def test_it_closes_as_out_of_scope_and_the_customer_sees_the_text(agent, alice, world):
    case = open_case(world.alice)
    terms = case.terms_version.terms
    codes = ", ".join(f"({c})" for c in terms.exclusions)
    refused(
        agent.post(_url(case, "/exclusion"), {"code": "zz"}),
        400,
        f"Choose one of the terms' exclusion codes {codes} to close a case as out of scope.",
        "code",
    )
    code = next(iter(terms.exclusions))
    agent.post(_url(case, "/exclusion"), {"code": code, "reason": "Custom code."})
    body = alice.get(_url(case)).json()
    assert body["status"] == "excluded"
    assert body["exclusion"] == {"code": code, "text": terms.exclusions[code]}


def test_it_delivers_a_patch(agent, alice, world):
    case = open_case(world.alice)
    patch = alice.post(_url(case, "/patch-requests"), {"summary": "Fix the leak."}).json()
    url = _url(case, f"/patch-requests/{patch['id']}/delivery")
    refused(
        agent.post(url, {"note": ""}),
        400,
        "Say what was delivered (version, download link, instructions).",
        "note",
    )
    body = agent.post(url, {"note": "2.2.1-hotfix1 on the portal."}).json()
    assert (body["state"], body["delivered_at"]) == ("delivered", "2026-11-23T18:00:00Z")
    refused(agent.post(url, {"note": "again"}), 400, "That emergency patch was already delivered.")
    refused(
        agent.post(_url(case, "/patch-requests/999/delivery"), {"note": "x"}),
        404,
        "No such emergency patch request on this case.",
    )


def test_an_engineer_sees_internal_notes_and_the_version_flag(agent, world):
    case = open_case(world.alice, product="DC/OS", version="1.10.0")
    cs.add_note(world.agent, case, "Old version.")
    body = agent.get(_url(case)).json()
    assert body["version_flag"] == case.version_exclusion != ""
    assert [e["public"] for e in body["timeline"]] == [True, False]


ENGINEER_ACTIONS = [
    ("/responses", {"body": "x"}, "reply to customers"),
    ("/notes", {"body": "x"}, "write internal notes"),
    ("/severity", {"severity": 1, "reason": "x"}, "change a case's severity"),
    ("/severity-requests/confirm", {}, "confirm a severity request"),
    ("/severity-requests/decline", {"reason": "x"}, "decline a severity request"),
    ("/assignee", {"assignee": None}, "assign cases"),
    ("/status", {"status": "closed"}, "change a case's status"),
    ("/exclusion", {"code": "a"}, "close a case as out of scope"),
    ("/patch-requests/1/delivery", {"note": "x"}, "deliver emergency patches"),
]


@pytest.mark.parametrize(("tail", "body", "action"), ENGINEER_ACTIONS)
def test_a_contact_gets_403_on_engineer_actions(alice, world, tail, body, action):
    case = open_case(world.alice, requested_severity=1)
    events = CaseEvent.objects.count()
    refused(alice.post(_url(case, tail), body), 403, f"Only support engineers can {action}.")
    assert CaseEvent.objects.count() == events
    assert Case.objects.get().status == "new"


def test_an_engineer_cannot_use_the_contacts_actions(agent, world):
    case = open_case(world.alice)
    refused(
        agent.post(_url(case, "/replies"), {"body": "x"}),
        403,
        "Only designated support contacts can reply to cases (engineers: /responses).",
    )
    refused(
        agent.post(_url(case, "/reopen"), {"reason": "x"}),
        403,
        "Only designated support contacts can reopen cases.",
    )


def test_an_engineer_uploads_a_reply_or_an_internal_file(agent, alice, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = open_case(world.alice)
    public = SimpleUploadedFile("fix.patch", b"diff")
    body = agent.upload(_url(case, "/attachments"), file=public, body="Apply this.").json()
    assert (body["timeline"][-1]["kind"], body["status"]) == ("replied", "triaged")
    internal = SimpleUploadedFile("heap.hprof", b"heap")
    agent.upload(_url(case, "/attachments"), file=internal, body="Heap.", internal="true")
    assert [f["name"] for f in agent.get(_url(case, "/attachments")).json()] == [
        "fix.patch",
        "heap.hprof",
    ]
    assert [f["name"] for f in alice.get(_url(case, "/attachments")).json()] == ["fix.patch"]
    refused(
        agent.upload(_url(case, "/attachments"), file=SimpleUploadedFile("a", b"a")),
        400,
        "The reply is empty.",
        "body",
    )


def test_the_queue_puts_cases_waiting_on_the_customer_last(agent, world):
    waiting = open_case(world.carol, minutes_ago=600, subject="waiting")  # Signature: 2 hours
    with clock.pinned(NOW - dt.timedelta(minutes=590)):
        cs.respond(world.agent, waiting, "Which version?")
        cs.ask_customer(world.agent, waiting, "Which version?")
    later = open_case(world.alice, subject="later")  # Premium: one business day
    overdue = open_case(world.carol, minutes_ago=150, subject="overdue")
    rows = agent.get("/api/queue").json()["items"]
    assert [r["ref"] for r in rows] == [
        overdue.tracking_number,
        later.tracking_number,
        waiting.tracking_number,
    ]
