"""The outbox: mail waits while the SMTP server is down, is retried with backoff, is sent exactly
once (also with two deliverers at once), and is given up after the last attempt.

A real aiosmtpd sink on loopback is stopped and started again; the database is real (SQLite or
PostgreSQL), and deliverers in threads have their own connections.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.db import connection, transaction

from casedesk.cases import services as cs
from casedesk.cases.models import Case
from casedesk.lib import clock
from casedesk.mail import intake, outbox
from casedesk.mail.models import OutboundMessage
from tests.mail.conftest import NOW, SUPPORT, Sink, free_port, make_mail

pytestmark = pytest.mark.django_db(transaction=True)

MINUTE = dt.timedelta(minutes=1)


class SwitchableSink:
    """The outbound SMTP sink on a fixed port, which a test can stop and start again."""

    def __init__(self) -> None:
        self.handler = Sink()
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def message_ids(self) -> list[str]:
        return [m["Message-ID"].strip("<>") for m in self.handler.messages]


@pytest.fixture
def smtp(mail_settings: Any) -> Iterator[SwitchableSink]:
    sink = SwitchableSink()
    mail_settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    mail_settings.EMAIL_HOST = "127.0.0.1"
    mail_settings.EMAIL_PORT = sink.port
    mail_settings.EMAIL_TIMEOUT = 5
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


def _open_by_mail(subject: str) -> Case:
    raw = make_mail(subject=subject)
    reply = intake.accept(raw, envelope_from="alice@acme.example", recipients=[SUPPORT])
    return Case.objects.get(tracking_number=reply.removeprefix("250 OK: "))


def test_it_keeps_every_mail_while_the_server_is_down_and_sends_each_once_later(
    world: Any, smtp: SwitchableSink
) -> None:
    smtp.stop()
    with clock.pinned(NOW):
        case = _open_by_mail("Scheduler down")  # the acknowledgement
        cs.respond(world.agent, case, "Which version do you run?")  # an event mail
        cs.change_severity(world.agent, case, 3, "Production impact confirmed.")
        # A held sender's notice, and a second case's acknowledgement.
        intake.accept(
            make_mail(sender="mallory@else.example"),
            envelope_from="mallory@else.example",
            recipients=[SUPPORT],
        )
        _open_by_mail("Second problem")
    queued = OutboundMessage.objects.order_by("pk")
    assert [m.kind for m in queued] == ["ack", "replied", "severity_changed", "unverified", "ack"]
    # The first attempt (right after each commit) failed; each waits for its retry.
    assert {(m.status, m.attempts, m.next_attempt_at) for m in queued} == {
        ("queued", 1, NOW + MINUTE)
    }
    assert all("ConnectionRefusedError" in m.error for m in queued)

    with clock.pinned(NOW + 30 * dt.timedelta(seconds=1)):
        call_command("worker", "--once")  # not due yet: nothing is attempted
    assert set(queued.values_list("attempts", flat=True)) == {1}

    smtp.start()
    with clock.pinned(NOW + MINUTE):
        call_command("worker", "--once")
        call_command("worker", "--once")  # a second pass finds nothing left to send
    assert Counter(smtp.message_ids) == Counter(queued.values_list("message_id", flat=True))
    assert len(smtp.message_ids) == 5
    after = OutboundMessage.objects.values_list("status", "attempts", "sent_at", "error")
    assert set(after) == {("sent", 2, NOW + MINUTE, "")}


def test_it_backs_off_exponentially_and_gives_up_after_the_last_attempt(
    world: Any, smtp: SwitchableSink, settings: Any
) -> None:
    settings.CASEDESK_MAIL_MAX_ATTEMPTS = 4
    smtp.stop()
    with clock.pinned(NOW):
        case = _open_by_mail("Scheduler down")
    record = OutboundMessage.objects.get(key=f"ack:{case.id}")
    at = NOW
    for attempts, wait in [(1, 1), (2, 2), (3, 4)]:
        record.refresh_from_db()
        assert (record.status, record.attempts) == ("queued", attempts)
        assert record.next_attempt_at == at + wait * MINUTE
        at += wait * MINUTE
        assert outbox.deliver_due(at - dt.timedelta(seconds=1)) == 0  # not before its time
        assert outbox.deliver_due(at) == 0
    record.refresh_from_db()
    assert (record.status, record.attempts, record.next_attempt_at) == ("gave_up", 4, None)
    assert record.error.startswith("ConnectionRefusedError")
    smtp.start()
    assert outbox.deliver_due(at + dt.timedelta(days=1)) == 0  # given up: never tried again
    assert smtp.message_ids == []


def test_a_permanent_refusal_gives_up_at_once(world: Any, smtp: SwitchableSink) -> None:
    class Refusing(Sink):
        async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
            return "550 5.1.1 No such mailbox"

    smtp.stop()
    smtp.handler = Refusing()
    smtp.start()
    with clock.pinned(NOW):
        case = _open_by_mail("Scheduler down")
    record = OutboundMessage.objects.get(key=f"ack:{case.id}")
    assert (record.status, record.attempts, record.next_attempt_at) == ("gave_up", 1, None)
    assert "550" in record.error and "No such mailbox" in record.error


def test_two_deliverers_at_once_never_send_a_mail_twice(world: Any, smtp: SwitchableSink) -> None:
    n = 40
    with transaction.atomic():
        for i in range(n):
            outbox.enqueue(
                to=["alice@acme.example"],
                subject=f"notice {i}",
                body="text",
                kind="test",
                key=f"test:{i}",
                now=NOW,
                nudge=False,
            )
    barrier = threading.Barrier(2)
    sent: list[int] = []
    errors: list[BaseException] = []

    def deliverer() -> None:
        try:
            barrier.wait()
            sent.append(outbox.deliver_due(NOW, limit=n))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=deliverer) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sum(sent) == n  # each mail sent by exactly one of them
    assert Counter(smtp.message_ids) == Counter(
        OutboundMessage.objects.values_list("message_id", flat=True)
    )
    assert set(OutboundMessage.objects.values_list("status", "attempts")) == {("sent", 1)}


def test_a_lapsed_lease_lets_another_worker_send_a_mail_left_by_a_crashed_one(
    world: Any, smtp: SwitchableSink
) -> None:
    """A worker that claimed the mail and died: the claim moved `next_attempt_at` by the lease."""
    with transaction.atomic():
        record = outbox.enqueue(
            to=["alice@acme.example"], subject="s", body="b", kind="test", now=NOW, nudge=False
        )
    assert record is not None
    seen = record.next_attempt_at
    # The crashed worker's claim, as `_attempt` makes it (then it died before sending).
    assert OutboundMessage.objects.filter(pk=record.pk, next_attempt_at=seen).update(
        next_attempt_at=NOW + outbox.LEASE, attempts=1
    )
    assert outbox.deliver_due(NOW + outbox.LEASE - dt.timedelta(seconds=1)) == 0
    assert outbox.deliver_due(NOW + outbox.LEASE) == 1
    assert smtp.message_ids == [record.message_id]
