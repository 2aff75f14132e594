"""intake.accept() called directly, against the real case services and the shared world."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from casedesk.lib import clock
from casedesk.mail import intake
from casedesk.mail.models import InboundMessage, InboundStatus, OutboundMessage
from casedesk.mail.tokens import make_token
from tests.mail.conftest import DOMAIN, NOW, SUPPORT, make_mail

# transaction=True: acknowledgements go out on commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def accept(raw: bytes, *, envelope_from: str = "alice@acme.example", to: str = SUPPORT) -> str:
    return intake.accept(raw, envelope_from=envelope_from, recipients=[to])


@pytest.fixture
def desk(world: Any, mail_settings: Any, pinned_now: dt.datetime) -> Any:
    return world


def case_of(reply: str) -> Any:
    from casedesk.cases.models import Case

    return Case.objects.get(tracking_number=reply.removeprefix("250 OK: "))


def test_it_opens_a_case_at_severity_4_and_acknowledges_it(desk: Any) -> None:
    raw = make_mail(subject="Sev 1: cluster down", message_id="<first@mail.acme.example>")
    reply = accept(raw)
    case = case_of(reply)
    assert reply == f"250 OK: {case.tracking_number}"
    assert (case.severity, case.requested_severity, case.channel) == (4, 1, "email")
    assert case.received_at == NOW
    assert case.contact == desk.alice
    inbound = InboundMessage.objects.get()
    assert (inbound.status, inbound.case_id, bytes(inbound.raw)) == ("processed", case.id, raw)
    [ack] = mail.outbox
    assert ack.to == ["alice@acme.example"]
    assert ack.subject == f"[{case.tracking_number}] Sev 1: cluster down"
    assert ack.reply_to == [f"support+{make_token(case.id)}@{DOMAIN}"]
    assert ack.extra_headers["In-Reply-To"] == "<first@mail.acme.example>"
    assert ack.extra_headers["Auto-Submitted"] == "auto-replied"
    assert f"Your request is case {case.tracking_number}" in ack.body


def test_it_does_nothing_twice_for_the_same_message_id(desk: Any) -> None:
    from casedesk.cases.models import Case

    raw = make_mail(message_id="<same@mail.acme.example>")
    first = accept(raw)
    assert accept(raw) == "250 OK: already have it"
    assert first.startswith("250 OK: CASE-")
    assert (Case.objects.count(), InboundMessage.objects.count(), len(mail.outbox)) == (1, 1, 1)


def test_a_redelivery_writes_no_second_copy_of_its_files(
    desk: Any, settings: Any, tmp_path: Path
) -> None:
    from casedesk.cases.models import Attachment

    settings.MEDIA_ROOT = str(tmp_path / "media")

    raw = make_mail(
        message_id="<files@mail.acme.example>",
        attachments=[("trace.log", "text/plain", b"stack trace\n" * 100)],
    )
    assert accept(raw).startswith("250 OK: CASE-")
    assert accept(raw) == "250 OK: already have it"
    files = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    [attachment] = Attachment.objects.all()
    assert [f.name for f in files] == [Path(attachment.file.name).name]


def test_it_threads_a_reply_by_signed_reply_address(desk: Any) -> None:
    case = case_of(accept(make_mail(subject="first")))
    to = f"support+{make_token(case.id)}@{DOMAIN}"
    reply = accept(make_mail(subject="no ref here", body="more logs", to=to), to=to)
    assert reply == f"250 OK: {case.tracking_number}"
    assert list(case.events.values_list("kind", "body"))[-1] == ("customer_replied", "more logs")


def test_it_threads_a_reply_by_tracking_number(desk: Any) -> None:
    case = case_of(accept(make_mail(subject="first")))
    reply = accept(make_mail(subject=f"Re: [{case.tracking_number}] first", body="again"))
    assert reply == f"250 OK: {case.tracking_number}"
    assert case.events.filter(kind="customer_replied").count() == 1


def test_it_threads_a_reply_by_in_reply_to(desk: Any) -> None:
    case = case_of(accept(make_mail(subject="first", message_id="<orig@mail.acme.example>")))
    raw = make_mail(subject="Re: something", headers={"In-Reply-To": "<orig@mail.acme.example>"})
    assert accept(raw) == f"250 OK: {case.tracking_number}"


def test_it_does_not_thread_into_another_customers_case(desk: Any) -> None:
    theirs = case_of(accept(make_mail(sender="bob@globex.example", subject="bob's")))
    forged = f"support+{make_token(theirs.id)}@{DOMAIN}"
    reply = accept(make_mail(subject=f"Re: [{theirs.tracking_number}]", to=forged), to=forged)
    mine = case_of(reply)
    assert mine.id != theirs.id
    assert mine.contact == desk.alice
    assert theirs.events.filter(kind="customer_replied").count() == 0
    assert "names a case of another customer" in " ".join(InboundMessage.objects.last().problems)


def _alice_also_at_globex(desk: Any) -> Any:
    from casedesk.customers import services

    return services.add_contact(
        desk.manager, desk.globex, name="Alice (consulting)", email="alice@acme.example", at=NOW
    )


def test_it_threads_a_contact_of_two_customers_into_the_right_customers_case(desk: Any) -> None:
    _alice_also_at_globex(desk)
    theirs = case_of(accept(make_mail(sender="bob@globex.example", subject="bob's")))
    raw = make_mail(subject=f"Re: [{theirs.tracking_number}] bob's", body="globex logs")
    assert accept(raw) == f"250 OK: {theirs.tracking_number}"
    reply = theirs.events.get(kind="customer_replied")
    assert (reply.body, reply.actor_label) == (
        "globex logs",
        "Alice (consulting) <alice@acme.example>",
    )


def test_it_holds_new_mail_from_a_contact_of_two_customers(desk: Any) -> None:
    from casedesk.cases.models import Case

    _alice_also_at_globex(desk)
    assert accept(make_mail(subject="which customer?")) == "250 OK: received, held for review"
    assert Case.objects.count() == 0
    inbound = InboundMessage.objects.get()
    assert inbound.status == InboundStatus.HELD_UNVERIFIED
    assert inbound.error == (
        "The sender is an active support contact of several customers (Acme, Globex) and the "
        "message answers no case; attach it to the right customer's contact."
    )


def test_an_e_mail_reply_after_the_reopen_window_opens_an_e_mail_case_at_severity_4(
    desk: Any,
) -> None:
    from casedesk.cases import services as cs

    old = cs.open_case(
        desk.alice, channel="web", subject="web case", received_at=NOW - dt.timedelta(days=50)
    )
    cs.close(desk.agent, old, at=NOW - dt.timedelta(days=49))
    new = case_of(accept(make_mail(subject=f"Re: [{old.tracking_number}] web case")))
    assert new.follows == old
    assert (new.channel, new.severity) == ("email", 4)


def test_it_holds_unknown_senders_and_explains_once_a_day(desk: Any) -> None:
    from casedesk.cases.models import Case

    for n in range(3):
        raw = make_mail(sender="stranger@elsewhere.example", subject=f"help {n}")
        assert accept(raw, envelope_from="stranger@elsewhere.example") == (
            "250 OK: received, held for review"
        )
    assert Case.objects.count() == 0
    assert set(InboundMessage.objects.values_list("status", flat=True)) == {"held_unverified"}
    [notice] = mail.outbox
    assert notice.to == ["stranger@elsewhere.example"]
    assert "stranger@elsewhere.example is not an active support contact" in notice.body
    with clock.pinned(NOW + dt.timedelta(days=1)):
        accept(make_mail(sender="stranger@elsewhere.example", subject="tomorrow"))
    assert len(mail.outbox) == 2


def test_it_holds_inactive_contacts(desk: Any) -> None:
    from casedesk.customers import services

    services.deactivate_contact(desk.manager, desk.alice, NOW - dt.timedelta(days=1))
    assert accept(make_mail()) == "250 OK: received, held for review"
    assert InboundMessage.objects.get().status == InboundStatus.HELD_UNVERIFIED


def test_it_never_answers_automated_mail(desk: Any) -> None:
    auto = {"Auto-Submitted": "auto-replied"}
    accept(make_mail(sender="robot@elsewhere.example", headers=auto))
    accept(make_mail(sender="alice@acme.example", headers={"Precedence": "bulk"}))
    accept(make_mail(sender="carol@initech.example"), envelope_from="")
    assert mail.outbox == []
    held = InboundMessage.objects.order_by("pk").values_list("status", "error")
    # A contact's automated mail that answers no case is held, a null envelope sender's too.
    assert list(held) == [
        ("held_unverified", "The sender is not an active support contact."),
        ("held_unverified", "An automated message that answers no case."),
        (
            "held_unverified",
            "A bounce or delivery status notification (null envelope sender <>) that answers "
            "no case.",
        ),
    ]


def test_it_refuses_oversized_attachments_and_says_the_limit(desk: Any) -> None:
    raw = make_mail(
        attachments=[
            ("ok.log", "text/plain", b"x" * 100),
            ("core.dump", "application/octet-stream", b"y" * 150_000),
        ]
    )
    case = case_of(accept(raw))
    assert list(case.attachments.values_list("name", flat=True)) == ["ok.log"]
    [ack] = mail.outbox
    assert "larger than the limit of 98 KB per file" in ack.body
    assert "core.dump (146 KB)" in ack.body


def test_it_stores_sanitised_text_from_html_only_mail(desk: Any) -> None:
    raw = (
        b"From: alice@acme.example\r\nSubject: html\r\nMessage-ID: <h@acme.example>\r\n"
        b"Content-Type: text/html\r\n\r\n<p>Disk full</p><script>steal()</script>"
        b'<img src=x onerror="steal()">'
    )
    case = case_of(accept(raw))
    assert case.description == "Disk full"


def test_it_keeps_a_message_the_services_refuse_and_says_why(desk: Any) -> None:
    with clock.pinned(dt.datetime(2028, 6, 1, 12, tzinfo=dt.UTC)):  # after the subscription
        reply = accept(make_mail())
    assert reply == "250 OK: received, kept for an engineer"
    inbound = InboundMessage.objects.get()
    assert inbound.status == "failed"
    assert inbound.error
    [notice] = mail.outbox
    assert inbound.error in notice.body


def test_it_keeps_a_message_when_processing_breaks_and_retries_on_redelivery(desk: Any) -> None:
    from casedesk.cases.models import Case

    class BrokenDesk(intake.CaseServicesDesk):
        def open_case(self, *args: Any) -> Any:
            raise RuntimeError("disk on fire")

    raw = make_mail(message_id="<retry@acme.example>")
    reply = intake.accept(
        raw, envelope_from="a@acme.example", recipients=[SUPPORT], desk=BrokenDesk()
    )
    assert reply == "451 4.3.0 Received but not processed; please try again later"
    inbound = InboundMessage.objects.get()
    assert (inbound.status, inbound.error) == ("failed", "RuntimeError: disk on fire")
    assert Case.objects.count() == 0
    assert accept(raw).startswith("250 OK: CASE-")
    assert InboundMessage.objects.get().status == "processed"
    assert accept(raw) == "250 OK: already have it"


def test_a_reused_message_id_with_other_content_is_kept_as_its_own_message(desk: Any) -> None:
    first = accept(make_mail(message_id="<reused@acme.example>", subject="Scheduler down"))
    other = make_mail(message_id="<reused@acme.example>", subject="Disk full", body="Other text.")
    second = accept(other)
    assert first.startswith("250 OK: CASE-") and second.startswith("250 OK: CASE-")
    assert first != second
    stored = InboundMessage.objects.exclude(message_id="reused@acme.example").get()
    assert stored.message_id.startswith("reused@acme.example/")
    assert stored.problems == ["the Message-ID was used before for different content"]
    assert accept(other) == "250 OK: already have it"
    assert InboundMessage.objects.count() == 2


def test_a_redelivery_uses_up_no_tracking_number(desk: Any) -> None:
    first = case_of(accept(make_mail(message_id="<n1@acme.example>")))
    for _ in range(3):
        assert accept(make_mail(message_id="<n1@acme.example>")) == "250 OK: already have it"
    second = case_of(accept(make_mail(message_id="<n2@acme.example>")))
    assert second.number == first.number + 1


def test_a_message_that_fails_once_is_recorded_as_its_second_attempt_saw_it(desk: Any) -> None:
    from casedesk.cases import services as cs

    alices = case_of(accept(make_mail(message_id="<a1@acme.example>")))

    class FlakyDesk(intake.CaseServicesDesk):
        calls = 0

        def open_case(self, *args: Any) -> Any:
            FlakyDesk.calls += 1
            if FlakyDesk.calls == 1:  # a lock timeout, say: the next attempt goes through
                raise RuntimeError("transient")
            return super().open_case(*args)

    # Bob names Alice's case: not threaded (another customer's), a new case, one problem noted.
    raw = make_mail(sender="bob@globex.example", subject=f"Re: [{alices.tracking_number}] hi")
    reply = intake.accept(
        raw, envelope_from="bob@globex.example", recipients=[SUPPORT], desk=FlakyDesk()
    )
    assert FlakyDesk.calls == 2 and reply.startswith("250 OK: CASE-")
    inbound = InboundMessage.objects.get(from_address="bob@globex.example")
    assert inbound.problems == [
        "the tracking number names a case of another customer; not threaded"
    ]
    assert cs.find_case_by_ref(reply.removeprefix("250 OK: ")).customer == desk.globex


def test_it_queues_the_acknowledgement_with_intake_and_sends_it_after_the_commit(
    desk: Any,
) -> None:
    from django.db import transaction

    with transaction.atomic():
        accept(make_mail())
        # Queued in intake's transaction (the outbox), sent only after the commit.
        queued = OutboundMessage.objects.get()
        assert (queued.status, mail.outbox) == ("queued", [])
    record = OutboundMessage.objects.get()
    assert (record.kind, record.to, record.status) == ("ack", ["alice@acme.example"], "sent")
    assert (record.key, record.sent_at) == (f"ack:{record.case_id}", NOW)
    assert len(mail.outbox) == 1


def test_it_mails_nothing_when_intake_rolls_back(desk: Any) -> None:
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        accept(make_mail())
        raise RuntimeError("crash before the commit")
    assert (OutboundMessage.objects.count(), mail.outbox) == (0, [])


LONG_SUBJECT = "Scheduler crash after upgrade: " + " ".join(
    f"node{n}.acme.example" for n in range(40)
)


def test_a_long_subject_is_shortened_for_the_case_and_kept_whole_in_its_first_message(
    desk: Any,
) -> None:
    from casedesk.cases.models import Case

    limit = Case._meta.get_field("subject").max_length
    assert len(LONG_SUBJECT) > limit
    reply = accept(make_mail(subject=LONG_SUBJECT, body="Logs follow."))
    case = case_of(reply)  # opened, not refused or held
    assert len(case.subject) == limit
    assert case.subject == LONG_SUBJECT[: limit - 1].rstrip() + "…"
    assert case.description == f"Subject: {LONG_SUBJECT}\n\nLogs follow."
    received = case.events.get(kind="received")
    assert received.body == case.description  # what the case page shows
    inbound = InboundMessage.objects.get()
    assert inbound.status == "processed"
    assert inbound.subject == LONG_SUBJECT[:254].rstrip() + "…"
    [ack] = mail.outbox
    assert ack.to == ["alice@acme.example"]


def test_the_case_page_shows_the_whole_long_subject(desk: Any) -> None:
    from django.test import Client

    case = case_of(accept(make_mail(subject=LONG_SUBJECT)))
    client = Client()
    client.force_login(desk.agent)
    page = client.get(f"/console/cases/{case.tracking_number}/").content.decode()
    assert f"Subject: {LONG_SUBJECT}" in page


def test_a_short_subject_leaves_the_description_alone(desk: Any) -> None:
    case = case_of(accept(make_mail(subject="Short", body="Logs follow.")))
    assert (case.subject, case.description) == ("Short", "Logs follow.")


def test_a_reply_with_a_long_subject_lands_on_its_case(desk: Any) -> None:
    case = case_of(accept(make_mail(subject="first")))
    raw = make_mail(subject=f"Re: [{case.tracking_number}] {LONG_SUBJECT}", body="more")
    assert accept(raw) == f"250 OK: {case.tracking_number}"
    assert case.events.filter(kind="customer_replied").count() == 1
    inbound = InboundMessage.objects.get(subject__startswith="Re:")
    assert inbound.subject == f"Re: [{case.tracking_number}] {LONG_SUBJECT}"[:254].rstrip() + "…"


def test_a_null_sender_never_opens_a_case_and_is_never_answered(desk: Any) -> None:
    from casedesk.cases import services as cs
    from casedesk.cases.models import Case

    open_case = case_of(accept(make_mail(subject="open one")))
    closed = cs.open_case(desk.alice, channel="web", subject="done", received_at=NOW)
    cs.close(desk.agent, closed, at=NOW)
    old = cs.open_case(
        desk.alice, channel="web", subject="old", received_at=NOW - dt.timedelta(days=50)
    )
    cs.close(desk.agent, old, at=NOW - dt.timedelta(days=49))
    mail.outbox.clear()
    outbound = OutboundMessage.objects.count()
    bounces = {
        "new": make_mail(subject="Delivery Status Notification (Failure)"),
        "open": make_mail(subject=f"Re: [{open_case.tracking_number}] open one", body="x"),
        "closed": make_mail(subject=f"Re: [{closed.tracking_number}] done"),
        "old": make_mail(subject=f"Re: [{old.tracking_number}] old"),
        "stranger": make_mail(sender="mailer-daemon@mx.example", subject="Undelivered"),
    }
    replies = {key: accept(raw, envelope_from="") for key, raw in bounces.items()}
    with clock.pinned(dt.datetime(2028, 6, 1, 12, tzinfo=dt.UTC)):  # after the subscription
        replies["unentitled"] = accept(make_mail(subject="late"), envelope_from="<>")
    assert replies == {
        "new": intake.REPLY_HELD,
        "open": f"250 OK: {open_case.tracking_number}",  # added to the case it names
        "closed": intake.REPLY_HELD,
        "old": intake.REPLY_HELD,
        "stranger": intake.REPLY_HELD,
        "unentitled": intake.REPLY_HELD,
    }
    assert Case.objects.count() == 3  # no new case, no follow-up case
    closed.refresh_from_db()
    assert (closed.status, closed.events.filter(kind="customer_replied").count()) == ("closed", 0)
    assert mail.outbox == []  # no acknowledgement, unverified-sender or refusal notice
    assert OutboundMessage.objects.count() == outbound
    errors = dict(
        InboundMessage.objects.filter(status="held_unverified").values_list("subject", "error")
    )
    assert errors[f"Re: [{closed.tracking_number}] done"] == (
        "A bounce or delivery status notification (null envelope sender <>) for "
        f"{closed.tracking_number}, which is closed; not added, as that would reopen the case."
    )


def test_an_auto_reply_does_not_reopen_a_finished_case(desk: Any) -> None:
    from casedesk.cases import services as cs

    closed = cs.open_case(desk.alice, channel="web", subject="done", received_at=NOW)
    cs.close(desk.agent, closed, at=NOW)
    raw = make_mail(
        subject=f"Automatic reply: [{closed.tracking_number}] done",
        headers={"Auto-Submitted": "auto-replied"},
    )
    assert accept(raw) == intake.REPLY_HELD
    closed.refresh_from_db()
    assert closed.status == "closed"


def test_an_engineer_may_still_attach_a_held_bounce_to_a_contact(desk: Any) -> None:
    from casedesk.mail import services

    accept(make_mail(subject="Returned mail: see transcript"), envelope_from="")
    held = InboundMessage.objects.get()
    assert held.status == "held_unverified"
    reply = services.attach(desk.agent, held, desk.alice)
    case = case_of(reply)
    assert case.contact == desk.alice
    assert mail.outbox == []  # still never answered


def _files(root: str) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in Path(root).rglob("*") if p.is_file())


TRACE = ("trace.log", "text/plain", b"stack trace\n" * 100)


def test_an_attempt_rolled_back_by_a_duplicate_message_id_leaves_no_file(
    desk: Any, settings: Any, tmp_path: Path
) -> None:
    from casedesk.cases.models import Attachment, Case

    settings.MEDIA_ROOT = str(tmp_path / "media")

    class RacingDesk(intake.CaseServicesDesk):
        raced = False

        def open_case(self, contact: Any, parsed: Any, received_at: Any) -> Any:
            case = super().open_case(contact, parsed, received_at)  # its file is written
            if not RacingDesk.raced:
                RacingDesk.raced = True
                # Another delivery stores the same Message-ID first: this attempt's own insert
                # of the record fails, and the whole attempt rolls back after its file exists.
                InboundMessage.objects.create(
                    message_id=parsed.message_id, raw=b"", received_at=NOW
                )
            return case

    raw = make_mail(message_id="<race@acme.example>", attachments=[TRACE])
    reply = intake.accept(
        raw, envelope_from="alice@acme.example", recipients=[SUPPORT], desk=RacingDesk()
    )
    assert RacingDesk.raced and reply.startswith("250 OK: CASE-")
    [attachment] = Attachment.objects.all()
    assert Case.objects.count() == 1
    assert _files(settings.MEDIA_ROOT) == [attachment.file.name]  # the committed case's only
    assert attachment.file.read() == TRACE[2]


def test_a_message_whose_processing_fails_leaves_no_file(
    desk: Any, settings: Any, tmp_path: Path
) -> None:
    from casedesk.cases.models import Attachment

    settings.MEDIA_ROOT = str(tmp_path / "media")

    class FailingDesk(intake.CaseServicesDesk):
        def open_case(self, *args: Any) -> Any:
            super().open_case(*args)  # its file is written, then a later step fails
            raise RuntimeError("disk on fire")

    raw = make_mail(attachments=[TRACE])
    reply = intake.accept(
        raw, envelope_from="a@acme.example", recipients=[SUPPORT], desk=FailingDesk()
    )
    assert reply == intake.REPLY_RETRY  # both attempts (whole, then in a savepoint) rolled back
    assert InboundMessage.objects.get().status == "failed"
    assert not Attachment.objects.exists()
    assert _files(settings.MEDIA_ROOT) == []
    assert accept(raw).startswith("250 OK: CASE-")  # the redelivery stores its file
    assert _files(settings.MEDIA_ROOT) == [Attachment.objects.get().file.name]


def test_colleagues_in_cc_follow_the_case_and_strangers_are_ignored(desk: Any) -> None:
    from casedesk.customers import services
    from casedesk.desk.services.followers import followers_of
    from tests.world import SETUP_AT

    ann = services.add_contact(
        desk.manager, desk.acme, name="Ann Able", email="ann@acme.example", at=SETUP_AT
    )
    raw = make_mail(
        headers={"Cc": "Ann <ann@acme.example>, bob@globex.example, x@elsewhere.example"}
    )
    case = case_of(accept(raw))
    assert [f.contact for f in followers_of(case)] == [ann]
