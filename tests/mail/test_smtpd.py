"""Real SMTP on loopback: smtplib → casedesk smtpd → cases; acknowledgements → an aiosmtpd sink."""

from __future__ import annotations

from typing import Any

import pytest

from casedesk.cases.models import Case
from casedesk.mail.models import InboundMessage
from casedesk.mail.tokens import make_token
from tests.mail.conftest import DOMAIN, Server, Sink, make_mail

# transaction=True: the SMTP worker thread must see committed rows, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live(world: Any, pinned_now: Any, sink: Sink, smtp_server: Server) -> tuple[Server, Sink]:
    return smtp_server, sink


def tracking(reply: str) -> str:
    assert reply.startswith("250 OK: "), reply
    return reply.removeprefix("250 OK: ")


def test_it_opens_a_case_and_mails_the_acknowledgement(live: tuple[Server, Sink]) -> None:
    server, sink = live
    reply = server.send(make_mail(subject="Severity 2: slow", message_id="<m1@acme.example>"))
    case = Case.objects.get(tracking_number=tracking(reply))
    assert (case.severity, case.requested_severity) == (4, 2)
    [ack] = sink.messages
    assert sink.envelopes == [("support@support.example", ["alice@acme.example"])]
    assert ack["Subject"] == f"[{case.tracking_number}] Severity 2: slow"
    assert ack["In-Reply-To"] == "<m1@acme.example>"
    assert ack["Reply-To"] == f"support+{make_token(case.id)}@{DOMAIN}"
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ack["Message-ID"].endswith(f"@{DOMAIN}>")


def test_it_threads_replies_by_each_key(live: tuple[Server, Sink]) -> None:
    server, sink = live
    number = tracking(server.send(make_mail(subject="first", message_id="<t0@acme.example>")))
    case = Case.objects.get(tracking_number=number)
    [ack] = sink.messages
    by_token = f"support+{make_token(case.id)}@{DOMAIN}"
    replies = [
        server.send(make_mail(subject="token", to=by_token), to=by_token),
        server.send(make_mail(subject=f"Re: [{number}] first")),
        server.send(make_mail(subject="Re: first", headers={"In-Reply-To": ack["Message-ID"]})),
    ]
    assert replies == [f"250 OK: {number}"] * 3
    assert case.events.filter(kind="customer_replied").count() == 3
    assert len(sink.messages) == 1  # replies are not acknowledged


def test_it_answers_a_duplicate_delivery_without_doing_it_again(live: tuple[Server, Sink]) -> None:
    server, sink = live
    raw = make_mail(message_id="<dup@acme.example>")
    first = server.send(raw)
    assert server.send(raw) == "250 OK: already have it"
    assert tracking(first)
    assert (Case.objects.count(), InboundMessage.objects.count(), len(sink.messages)) == (1, 1, 1)


def test_it_does_not_answer_a_loop(live: tuple[Server, Sink]) -> None:
    server, sink = live
    raw = make_mail(
        sender="Out of office <alice@acme.example>",
        subject="Automatic reply: [CASE-999999] ...",
        headers={"Auto-Submitted": "auto-replied", "Precedence": "bulk"},
    )
    assert server.send(raw) == "250 OK: received, held for review"
    bounce = make_mail(sender="MAILER-DAEMON@mx.example", subject="Undelivered")
    assert server.send(bounce, mail_from="<>") == "250 OK: received, held for review"
    own = make_mail(sender=f"support@{DOMAIN}", subject="from ourselves")
    assert server.send(own, mail_from=f"support@{DOMAIN}") == "250 OK: received, held for review"
    assert sink.messages == []
    assert InboundMessage.objects.count() == 3


def test_it_refuses_an_oversized_attachment_and_says_the_limit(live: tuple[Server, Sink]) -> None:
    server, sink = live
    raw = make_mail(attachments=[("heap.hprof", "application/octet-stream", b"z" * 200_000)])
    case = Case.objects.get(tracking_number=tracking(server.send(raw)))
    assert case.attachments.count() == 0
    [ack] = sink.messages
    body = ack.get_body(("plain",)).get_content()
    assert "heap.hprof (195 KB)" in body
    assert "larger than the limit of 98 KB per file" in body


def test_it_rejects_a_message_over_the_size_limit_at_smtp_time(live: tuple[Server, Sink]) -> None:
    server, _ = live
    raw = make_mail(attachments=[("huge.bin", "application/octet-stream", b"z" * 1_000_000)])
    assert server.send(raw) == "552 Error: Too much mail data"
    assert InboundMessage.objects.count() == 0


def test_it_sanitises_html_with_script(live: tuple[Server, Sink]) -> None:
    server, _ = live
    raw = make_mail(
        body="see html", html='<p>Hello</p><script>alert(1)</script><a href="javascript:x()">x</a>'
    )
    case = Case.objects.get(tracking_number=tracking(server.send(raw)))
    assert case.description == "see html"
    from casedesk.mail.intake import parse

    parsed = parse(bytes(InboundMessage.objects.get().raw), [])
    assert parsed.html == '<p>Hello</p><a rel="noopener noreferrer">x</a>\n'


def test_it_holds_an_unknown_sender_and_explains_once_a_day(live: tuple[Server, Sink]) -> None:
    server, sink = live
    for n in range(2):
        raw = make_mail(sender="who@nowhere.example", subject=f"question {n}")
        assert server.send(raw, mail_from="who@nowhere.example") == (
            "250 OK: received, held for review"
        )
    [notice] = sink.messages
    assert sink.envelopes[0][1] == ["who@nowhere.example"]
    assert "is not an active support contact" in notice.get_body(("plain",)).get_content()
    assert Case.objects.count() == 0


def test_it_refuses_foreign_domains_and_malformed_recipients(live: tuple[Server, Sink]) -> None:
    server, _ = live
    raw = make_mail()
    assert server.send(raw, to="someone@other.example").startswith("550 5.1.2")
    assert server.send(raw, to="@support.example").startswith("553")
    assert InboundMessage.objects.count() == 0


def test_a_null_sender_opens_no_case_and_is_never_answered(live: tuple[Server, Sink]) -> None:
    server, sink = live
    number = tracking(server.send(make_mail(subject="first")))
    assert len(sink.messages) == 1  # its acknowledgement
    # From a contact's own address and with no automated header: only MAIL FROM:<> tells.
    dsn = make_mail(subject="Delivery Status Notification (Failure)")
    assert server.send(dsn, mail_from="<>") == "250 OK: received, held for review"
    threaded = make_mail(subject=f"Re: [{number}] first", body="Undeliverable: see below")
    assert server.send(threaded, mail_from="<>") == f"250 OK: {number}"
    assert Case.objects.count() == 1
    assert len(sink.messages) == 1  # nothing was mailed back
    held = InboundMessage.objects.get(status="held_unverified")
    assert (held.envelope_from, held.error) == (
        "",
        "A bounce or delivery status notification (null envelope sender <>) that answers no case.",
    )


def test_a_subject_longer_than_a_case_takes_still_opens_a_case(live: tuple[Server, Sink]) -> None:
    server, sink = live
    subject = "Upgrade fails on " + ", ".join(f"host{n}.acme.example" for n in range(30))
    case = Case.objects.get(tracking_number=tracking(server.send(make_mail(subject=subject))))
    assert case.subject.endswith("…") and len(case.subject) <= 300
    assert case.description.startswith(f"Subject: {subject}\n\n")
    [ack] = sink.messages
    assert ack["Subject"].startswith(f"[{case.tracking_number}] Upgrade fails on host0")


def test_a_line_longer_than_rfc_5321_allows_is_still_accepted(live: tuple[Server, Sink]) -> None:
    # One-line base64 or HTML from some clients: a 500 would lose the message for good.
    server, _ = live
    line = "trace " + "x" * 5000
    raw = make_mail(body="LONG-LINE").replace(b"LONG-LINE", line.encode())
    assert b"\n" + line.encode() in raw  # sent as one line, not wrapped by an encoding
    case = Case.objects.get(tracking_number=tracking(server.send(raw)))
    assert line in case.description
