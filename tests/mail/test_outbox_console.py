"""The console's outbox page: given-up mail with its error and attempts, and "send again"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from casedesk.cases import services as cs
from casedesk.cases.models import Case
from casedesk.lib import clock
from casedesk.mail import intake, outbox
from casedesk.mail.models import OutboundMessage
from tests.mail.conftest import NOW, SUPPORT, make_mail
from tests.mail.test_outbox import SwitchableSink

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = "/console/mail/outbox/"


@pytest.fixture
def smtp(mail_settings: Any) -> Iterator[SwitchableSink]:
    """The sink, stopped: every attempt fails until a test starts it."""
    sink = SwitchableSink()
    mail_settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    mail_settings.EMAIL_PORT = sink.port
    mail_settings.EMAIL_TIMEOUT = 5
    mail_settings.CASEDESK_MAIL_MAX_ATTEMPTS = 2
    try:
        yield sink
    finally:
        sink.stop()


def as_user(user: Any) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _given_up_reply(world: Any) -> OutboundMessage:
    with clock.pinned(NOW):
        raw = make_mail(subject="Scheduler down")
        reply = intake.accept(raw, envelope_from="alice@acme.example", recipients=[SUPPORT])
        case = Case.objects.get(tracking_number=reply.removeprefix("250 OK: "))
        event = cs.respond(world.agent, case, "Please send the log.")
    outbox.deliver_due(NOW + dt.timedelta(minutes=1))  # the second and last attempt
    return OutboundMessage.objects.get(key=f"event:{event.pk}")


def _post(client: Client, path: str) -> Any:
    page = client.get(PAGE)
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else ""
    return client.post(path, {"csrfmiddlewaretoken": token}, follow=True)


def test_it_lists_given_up_mail_with_error_and_attempts_and_sends_it_again(
    world: Any, smtp: SwitchableSink
) -> None:
    record = _given_up_reply(world)
    assert (record.status, record.attempts) == ("gave_up", 2)
    client = as_user(world.agent)
    page = client.get(PAGE).content.decode()
    row = page[page.index(f'id="outbound-{record.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "alice@acme.example" in row
    assert f"[{record.headers['X-Casedesk-Case']}] Scheduler down" in row
    assert "<td>2<br>" not in row and "<td>2</td>" in row  # attempts; no next attempt
    assert "ConnectionRefusedError" in row
    assert f'action="/console/mail/outbox/{record.pk}/send-again"' in row
    assert 'href="/console/mail/outbox/"' in client.get("/console/").content.decode()  # nav

    smtp.start()
    with clock.pinned(NOW + dt.timedelta(hours=1)):
        done = _post(client, f"/console/mail/outbox/{record.pk}/send-again")
    assert done.status_code == 200
    assert "Back in the queue: “[" in done.content.decode()
    record.refresh_from_db()
    assert (record.status, record.attempts, record.error) == ("sent", 1, "")
    assert smtp.message_ids == [record.message_id]  # sent once, right after the commit

    again = _post(client, f"/console/mail/outbox/{record.pk}/send-again")
    assert "This mail is no longer in the gave-up list" in again.content.decode()
    assert smtp.message_ids == [record.message_id]


def test_send_again_needs_a_csrf_token_and_a_post(world: Any, smtp: SwitchableSink) -> None:
    record = _given_up_reply(world)
    client = as_user(world.agent)
    path = f"/console/mail/outbox/{record.pk}/send-again"
    assert client.post(path).status_code == 403  # no CSRF token
    assert client.get(path)["Location"] == "/console/mail/outbox/"  # back to the page
    record.refresh_from_db()
    assert record.status == "gave_up"


def test_a_contact_sees_no_outbox_and_cannot_send_again(world: Any, smtp: SwitchableSink) -> None:
    record = _given_up_reply(world)
    client = Client()  # without CSRF checks: the role check itself must refuse
    client.force_login(world.alice.user)
    assert client.get(PAGE).status_code == 404
    response = client.post(f"/console/mail/outbox/{record.pk}/send-again")
    assert response.status_code == 404
    record.refresh_from_db()
    assert (record.status, record.attempts) == ("gave_up", 2)
    with pytest.raises(Exception, match="No such mail"):
        outbox.send_again(world.alice.user, record, NOW)


def test_the_lists_are_paginated_and_say_when_they_are_empty(
    world: Any, smtp: SwitchableSink, settings: Any, django_assert_max_num_queries: Any
) -> None:
    client = as_user(world.agent)
    assert "No mail was given up" in client.get(PAGE).content.decode()
    assert "No mail is waiting to be sent" in client.get(f"{PAGE}?status=queued").content.decode()
    settings.CASEDESK_MAIL_MAX_ATTEMPTS = 1
    with clock.pinned(NOW):
        for n in range(51):
            intake.accept(
                make_mail(sender=f"x{n}@nowhere.example"),
                envelope_from=f"x{n}@nowhere.example",
                recipients=[SUPPORT],
            )
    assert OutboundMessage.objects.filter(status="gave_up").count() == 51
    with django_assert_max_num_queries(8):
        first = client.get(PAGE).content.decode()
    assert "Page 1 of 2" in first and first.count("Send again</button>") == 50
    second = client.get(f"{PAGE}?page=2").content.decode()
    assert second.count("Send again</button>") == 1


def test_mail_recorded_before_the_outbox_kept_its_text_cannot_be_sent_again(
    world: Any, smtp: SwitchableSink
) -> None:
    """What the migration leaves in the list: an old failed mail without a body."""
    record = _given_up_reply(world)
    OutboundMessage.objects.filter(pk=record.pk).update(body="", key=None)
    response = _post(as_user(world.agent), f"/console/mail/outbox/{record.pk}/send-again")
    assert "cannot be sent again" in response.content.decode()
    record.refresh_from_db()
    assert record.status == "gave_up"
