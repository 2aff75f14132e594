"""Outbound case mail: recorded in the caller's transaction, handed to SMTP after its commit."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils.crypto import get_random_string

from casedesk.lib import clock
from casedesk.mail.models import OutboundMessage, OutboundStatus
from casedesk.mail.tokens import mail_domain, mail_local_part

log = logging.getLogger(__name__)


def new_message_id() -> str:
    """A Message-ID in our domain, without angle brackets (as stored everywhere)."""
    stamp = clock.now().strftime("%Y%m%d%H%M%S")
    return f"{stamp}.{get_random_string(20).lower()}@{mail_domain()}"


def _bracket(ids: Sequence[str]) -> str:
    return " ".join(f"<{i.strip('<>')}>" for i in ids if i)


def build_case_mail(
    case_like: Any,
    *,
    to: Sequence[str],
    subject: str,
    body: str,
    in_reply_to: str = "",
    references: Sequence[str] = (),
    reply_token: str | None = None,
    auto_submitted: bool = False,
    message_id: str = "",
) -> EmailMessage:
    message_id = message_id or new_message_id()
    headers = {"Message-ID": f"<{message_id}>"}
    refs = [r for r in references if r]
    if in_reply_to:
        headers["In-Reply-To"] = _bracket([in_reply_to])
        refs = [*[r for r in refs if r != in_reply_to], in_reply_to]
    if refs:
        headers["References"] = _bracket(refs[-20:])
    if auto_submitted:
        # RFC 3834: marks our acknowledgements so well-behaved responders do not answer them.
        headers["Auto-Submitted"] = "auto-replied"
        headers["X-Auto-Response-Suppress"] = "All"
    tracking = getattr(case_like, "tracking_number", "")
    if tracking:
        headers["X-Casedesk-Case"] = tracking
    local = mail_local_part()
    reply_to = (
        f"{local}+{reply_token}@{mail_domain()}" if reply_token else f"{local}@{mail_domain()}"
    )
    return EmailMessage(
        subject=" ".join(subject.split())[:250],
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        reply_to=[reply_to],
        headers=headers,
    )


def send_case_mail(
    case_like: Any,
    *,
    to: Sequence[str],
    subject: str,
    body: str,
    in_reply_to: str = "",
    references: Sequence[str] = (),
    reply_token: str | None = None,
    auto_submitted: bool = False,
    kind: str = "",
    key: str | None = None,
) -> OutboundMessage:
    """Record the mail as "sending" now and send it after the surrounding transaction commits.

    `case_like` needs `.id` (may be None) and may have `.tracking_number`. Returns the record;
    its `message_id` is what the recipient's reply will carry in In-Reply-To. A `key` already
    used raises IntegrityError: that notification was sent before (call inside an atomic block).
    """
    email = build_case_mail(
        case_like,
        to=to,
        subject=subject,
        body=body,
        in_reply_to=in_reply_to,
        references=references,
        reply_token=reply_token,
        auto_submitted=auto_submitted,
    )
    record = OutboundMessage.objects.create(
        message_id=email.extra_headers["Message-ID"].strip("<>"),
        case_id=getattr(case_like, "id", None),
        to=list(to),
        subject=email.subject[:255],
        kind=kind,
        key=key,
        created_at=clock.now(),
    )
    # Network I/O never runs inside the transaction (a rollback must not have sent mail).
    transaction.on_commit(lambda: deliver(record.pk, email))
    return record


def deliver(record_id: int, email: EmailMessage) -> bool:
    """Send now through Django's configured backend (SMTP in production); store the outcome."""
    try:
        with get_connection(fail_silently=False) as connection:
            connection.send_messages([email])
    except Exception as exc:
        log.warning("outbound mail %s failed: %s", record_id, exc)
        OutboundMessage.objects.filter(pk=record_id).update(
            status=OutboundStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        return False
    OutboundMessage.objects.filter(pk=record_id).update(
        status=OutboundStatus.SENT, sent_at=clock.now()
    )
    return True
