"""Mail fixtures: casedesk's smtpd on a free loopback port, and an outbound sink beside it."""

from __future__ import annotations

import datetime as dt
import smtplib
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from casedesk.lib import clock
from casedesk.mail import smtpd

DOMAIN = "support.example"
SUPPORT = f"support@{DOMAIN}"
# A Monday afternoon inside the shared world's subscription terms.
NOW = dt.datetime(2026, 3, 2, 18, 0, tzinfo=dt.UTC)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Sink:
    """A second aiosmtpd server that keeps whatever casedesk sends out."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def mail_settings(settings: Any) -> Any:
    settings.CASEDESK_MAIL_DOMAIN = DOMAIN
    settings.DEFAULT_FROM_EMAIL = SUPPORT
    settings.CASEDESK_MAX_ATTACHMENT_BYTES = 100_000
    # Outbound mail goes through tasks; run them at once (after the commit) in tests.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return settings


@pytest.fixture
def sink(mail_settings: Any) -> Iterator[Sink]:
    handler = Sink()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    mail_settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    mail_settings.EMAIL_HOST = "127.0.0.1"
    mail_settings.EMAIL_PORT = port
    try:
        yield handler
    finally:
        controller.stop()


@dataclass
class Server:
    port: int

    def send(self, raw: bytes, *, mail_from: str = "alice@acme.example", to: str = SUPPORT) -> str:
        """Deliver over SMTP; returns the server's final reply as "<code> <text>"."""
        with smtplib.SMTP("127.0.0.1", self.port, timeout=30) as client:
            client.ehlo()
            client.mail(mail_from)
            code, text = client.rcpt(to)
            if code != 250:
                return f"{code} {text.decode()}"
            code, text = client.data(raw)
            return f"{code} {text.decode()}"


@pytest.fixture
def smtp_server(mail_settings: Any) -> Iterator[Server]:
    port = free_port()
    handler = smtpd.Handler([DOMAIN], workers=1)
    controller = smtpd.make_controller(
        handler, hostname="127.0.0.1", port=port, data_size_limit=smtpd.max_message_bytes()
    )
    controller.start()
    try:
        yield Server(port)
    finally:
        controller.stop()
        handler.close()


@pytest.fixture
def pinned_now() -> Iterator[dt.datetime]:
    with clock.pinned(NOW):
        yield NOW


def make_mail(
    *,
    sender: str = "Alice Adams <alice@acme.example>",
    to: str = SUPPORT,
    subject: str = "Cluster will not start",
    body: str = "The scheduler crashes on boot.",
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
    html: str | None = None,
    attachments: list[tuple[str, str, bytes]] = (),  # type: ignore[assignment]
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = "Mon, 02 Mar 2026 09:58:00 -0800"
    msg["Message-ID"] = message_id or f"<{uuid.uuid4().hex}@mail.acme.example>"
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(body)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    for name, content_type, data in attachments:
        maintype, subtype = content_type.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()
