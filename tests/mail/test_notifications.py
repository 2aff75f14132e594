"""Outbound notifications: case services → events → a task after the commit → a real SMTP sink."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from casedesk.cases import notifications
from casedesk.cases import services as cs
from casedesk.cases.models import Case
from casedesk.mail import intake, outbox
from casedesk.mail.models import OutboundMessage
from casedesk.mail.tokens import make_token
from tests.mail.conftest import DOMAIN, SUPPORT, Sink, make_mail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def opened(world: Any, pinned_now: Any, sink: Sink) -> tuple[Any, Case, Sink]:
    """A case opened by mail from alice, its acknowledgement already in the sink."""
    raw = make_mail(subject="Sev 2: scheduler down", message_id="<open@acme.example>")
    reply = intake.accept(raw, envelope_from="alice@acme.example", recipients=[SUPPORT])
    case = Case.objects.get(tracking_number=reply.removeprefix("250 OK: "))
    assert len(sink.messages) == 1
    return world, case, sink


def body(message: Any) -> str:
    return message.get_body(("plain",)).get_content()


def test_it_acknowledges_with_the_deadline_and_its_explanation(opened: Any) -> None:
    _, case, sink = opened
    [ack] = sink.messages
    text = body(ack)
    assert f"Your request is case {case.tracking_number}: Sev 2: scheduler down" in text
    assert "Support level: Premium (24x7x365)" in text
    assert "Accepted at: Severity 4 — No impact: usage questions" in text
    assert "You asked for: Severity 2 — High impact" in text
    assert "First response: no deadline — reasonable efforts." in text
    assert "How the deadline was worked out:" in text
    assert (
        "Received via E-mail at Severity 4; the Premium target for Severity 4: No deadline" in text
    )
    assert "Deadline at receipt:" in text
    assert f"http://127.0.0.1:8000/portal/cases/{case.tracking_number}/" in text


def test_it_mails_an_engineers_reply_threaded_with_the_signed_reply_address(opened: Any) -> None:
    world, case, sink = opened
    [ack] = sink.messages
    cs.respond(world.agent, case, "Please send the scheduler log.")
    reply = sink.messages[-1]
    assert sink.envelopes[-1] == (SUPPORT, ["alice@acme.example"])
    assert reply["Subject"] == f"[{case.tracking_number}] Sev 2: scheduler down"
    assert reply["Reply-To"] == f"support+{make_token(case.id)}@{DOMAIN}"
    assert reply["In-Reply-To"] == ack["Message-ID"]
    assert reply["References"] == f"<open@acme.example> {ack['Message-ID']}"
    assert reply["Auto-Submitted"] is None
    assert "wrote on case" in body(reply)
    assert "Please send the scheduler log." in body(reply)
    record = OutboundMessage.objects.get(kind="replied")
    assert (record.status, record.case_id) == ("sent", case.id)


def test_a_customer_answer_to_the_reply_threads_back_into_the_case(opened: Any) -> None:
    world, case, sink = opened
    cs.respond(world.agent, case, "Which version?")
    answer = make_mail(subject="Re: x", headers={"In-Reply-To": sink.messages[-1]["Message-ID"]})
    reply = intake.accept(answer, envelope_from="alice@acme.example", recipients=[SUPPORT])
    assert reply == f"250 OK: {case.tracking_number}"
    assert len(sink.messages) == 2  # the customer's own message is not mailed back


def test_it_mails_severity_changes_and_declined_requests(opened: Any) -> None:
    world, case, sink = opened
    cs.decline_severity_request(world.agent, case, "A workaround exists.")
    declined = body(sink.messages[-1])
    assert f"Your request for Severity 2 on case {case.tracking_number} was declined" in declined
    assert "stays at Severity 4" in declined
    assert "Reason: A workaround exists." in declined
    cs.change_severity(world.agent, case, 3, "Production impact confirmed.")
    changed = body(sink.messages[-1])
    assert f"Case {case.tracking_number} changed from Severity 4 to Severity 3." in changed
    assert "Reason: Production impact confirmed." in changed
    assert "First response due by:" in changed
    assert len(sink.messages) == 3


def test_it_mails_resolved_and_closed_but_not_other_statuses(opened: Any) -> None:
    world, case, sink = opened
    cs.set_status(world.agent, case, "waiting")
    assert len(sink.messages) == 1
    cs.set_status(world.agent, case, "resolved", reason="Fixed in 2.2.1.")
    cs.set_status(world.agent, case, "closed")
    texts = [body(m) for m in sink.messages[1:]]
    assert texts[0].startswith(f"Case {case.tracking_number} is now resolved.")
    assert "Reason: Fixed in 2.2.1." in texts[0]
    assert texts[1].startswith(f"Case {case.tracking_number} is now closed.")


def test_it_mails_the_exclusion_text(opened: Any) -> None:
    world, case, sink = opened
    cs.close_excluded(world.agent, case, "c", reason="The fault is in the Kafka client.")
    text = body(sink.messages[-1])
    assert "closed as out of scope under exclusion (c)" in text
    assert "third party software that is not Supported Software." in text
    assert "Reason: The fault is in the Kafka client." in text


def test_it_mails_a_delivered_patch(opened: Any) -> None:
    world, case, sink = opened
    patch = cs.request_patch(world.alice, case, "Hotfix for the scheduler crash")
    assert len(sink.messages) == 1  # the request itself is the customer's own
    cs.deliver_patch(world.agent, patch, "2.2.0-hotfix1 is on the download site.")
    text = body(sink.messages[-1])
    assert f"The emergency patch for case {case.tracking_number} was delivered" in text
    assert "2.2.0-hotfix1 is on the download site." in text


def test_notes_and_the_customers_own_messages_never_mail(opened: Any) -> None:
    world, case, sink = opened
    cs.add_note(world.agent, case, "internal: looks like the known leak")
    cs.assign(world.agent, case, world.agent)
    cs.customer_reply(world.alice, case, body="any news?")
    cs.request_severity_change(world.alice, case, 1, "Now down everywhere")
    assert len(sink.messages) == 1
    assert OutboundMessage.objects.count() == 1


def test_a_rolled_back_reply_mails_nothing(opened: Any) -> None:
    world, case, sink = opened
    with pytest.raises(RuntimeError), transaction.atomic():
        cs.respond(world.agent, case, "never sent")
        raise RuntimeError("the request failed after the service call")
    assert len(sink.messages) == 1


def test_a_notification_queued_again_is_not_mailed_twice(opened: Any) -> None:
    world, case, sink = opened
    event = cs.respond(world.agent, case, "once")
    with transaction.atomic():
        assert notifications.queue_event_mail(event) is None  # the key "event:<id>" is taken
        assert notifications.schedule_acknowledgement(case.id, "", [], []) is None
    assert OutboundMessage.objects.filter(key=f"event:{event.pk}").count() == 1
    assert len(sink.messages) == 2


def test_it_does_not_mail_an_inactive_reporting_contact(opened: Any) -> None:
    from casedesk.customers import services as customers
    from casedesk.lib import clock

    world, case, sink = opened
    customers.deactivate_contact(world.manager, world.alice, clock.now())
    cs.respond(world.agent, case, "hello?")
    assert len(sink.messages) == 1


def test_the_default_backend_nudges_the_first_attempt_with_a_task(
    opened: Any, settings: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    from casedesk.mail import outbox

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    world, case, sink = opened
    cs.respond(world.agent, case, "queued")
    [nudge] = DBTaskResult.objects.all()
    assert nudge.task_path == "casedesk.mail.outbox.deliver_task"
    record = OutboundMessage.objects.get(kind="replied")
    assert (record.status, record.attempts) == ("queued", 0)
    assert len(sink.messages) == 1  # sent later, by the worker
    assert outbox.deliver_task.call(record.pk) is True
    assert len(sink.messages) == 2
    assert "queued" in body(sink.messages[-1])


def test_the_mail_is_queued_in_the_changes_transaction(opened: Any, settings: Any) -> None:
    """Record first, then act: the outbox row commits with the reply or not at all."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    world, case, sink = opened

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        cs.respond(world.agent, case, "rolled back")
        assert OutboundMessage.objects.filter(kind="replied").count() == 1  # inside it
        assert DBTaskResult.objects.count() == 1  # and its nudge, with no second commit
        raise Abort
    assert not OutboundMessage.objects.filter(kind="replied").exists()
    assert DBTaskResult.objects.count() == 0
    assert not case.events.filter(body="rolled back").exists()
    cs.respond(world.agent, case, "kept")
    assert OutboundMessage.objects.filter(kind="replied", status="queued").count() == 1


def test_with_the_database_backend_an_acknowledgement_queues_no_task(
    world: Any, pinned_now: Any, sink: Sink, settings: Any
) -> None:
    """No task row per message on intake's hot path: the worker's loop sends the ack."""
    from django_tasks_db.models import DBTaskResult

    from casedesk.watch.management.commands.worker import Command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    reply = intake.accept(make_mail(), envelope_from="alice@acme.example", recipients=[SUPPORT])
    assert reply.startswith("250 OK: CASE-")
    record = OutboundMessage.objects.get(kind="ack")
    assert (record.status, DBTaskResult.objects.count(), sink.messages) == ("queued", 0, [])
    worker = Command()
    worker.batch, worker.lease = 10, outbox.LEASE
    assert worker.handle_one_delivery() == 1
    assert len(sink.messages) == 1
    record.refresh_from_db()
    assert record.status == "sent"
