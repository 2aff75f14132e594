"""The outbox: every mail casedesk sends is queued here first, then sent by the worker.

Record first, then act:
- `enqueue` writes the mail (recipients, subject, body, headers, kind, key) in the caller's
  transaction: a rolled-back change mails nothing, a crash after the commit loses nothing. The
  unique key ("event:<id>", "ack:<case id>", "alert:<id>") queues each notification once.
- After the commit a task nudges the first attempt; the worker's periodic pass (`deliver_due`)
  sends whatever is due, so mail goes out even when the task is lost or no task worker runs.
  With the database task backend, intake's acknowledgements get no task (one row less per
  message): `casedesk worker` looks at the due index every second (`worker_polls`), so they go
  out about a second after the commit, as soon as the task worker's own poll would send them.

Exactly once, from the recipient's side:
- A sender claims a mail with a compare-and-set UPDATE on `next_attempt_at` (as the pager does),
  moving it forward by the lease: two workers never send the same attempt, on SQLite and
  PostgreSQL alike, and a worker killed mid-send leaves the mail to another after the lease.
- The Message-ID is stored with the mail: the one possible duplicate (killed after the SMTP
  server accepted it, before "sent" was stored) is the same message to the recipient's client.

A failure is retried after 1, 2, 4 ... minutes (CASEDESK_MAIL_RETRY_SECONDS doubled, at most an
hour); after CASEDESK_MAIL_MAX_ATTEMPTS attempts, or at once when the server refuses for good
(5xx), the mail is given up and listed in the console, where an engineer may send it again.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils.crypto import get_random_string
from django_tasks import task, task_backends
from django_tasks_db.backend import DatabaseBackend

from casedesk.cases.models import Case
from casedesk.customers.roles import is_agent
from casedesk.lib import clock
from casedesk.lib.mailhtml import text_to_html
from casedesk.mail.models import OutboundMessage, OutboundStatus
from casedesk.mail.tokens import mail_domain, mail_local_part

log = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=2)  # longer than an SMTP attempt can take (EMAIL_TIMEOUT)
MAX_BACKOFF = dt.timedelta(hours=1)

# Writers of bodies left empty at enqueue time, by key prefix ("event" -> cases/notifications.py).
RENDERERS: dict[str, Callable[[OutboundMessage], str]] = {}


class NoSuchMail(Exception):
    """No outbound mail for this person: unknown and forbidden look the same (views answer 404)."""


class OutboxError(Exception):
    """A refused outbox action, with a sentence for the engineer."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PermanentFailure(Exception):
    """Retrying cannot help (nobody to send to, a source that is gone): give up at once."""


def max_attempts() -> int:
    return max(1, int(settings.CASEDESK_MAIL_MAX_ATTEMPTS))


def backoff(attempts: int) -> dt.timedelta:
    """The wait after failed attempt number `attempts`: 1, 2, 4 ... minutes, at most an hour."""
    base = dt.timedelta(seconds=settings.CASEDESK_MAIL_RETRY_SECONDS)
    return min(base * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def new_message_id(now: dt.datetime) -> str:
    """A Message-ID in our domain, without angle brackets (as stored everywhere)."""
    return f"{now:%Y%m%d%H%M%S}.{get_random_string(20).lower()}@{mail_domain()}"


def _bracket(ids: Sequence[str]) -> str:
    return " ".join(f"<{i.strip('<>')}>" for i in ids if i)


def _headers(
    in_reply_to: str, references: Sequence[str], auto_submitted: str, tracking_number: str
) -> dict[str, str]:
    headers: dict[str, str] = {}
    refs = [r for r in references if r]
    if in_reply_to:
        headers["In-Reply-To"] = _bracket([in_reply_to])
        refs = [*[r for r in refs if r != in_reply_to], in_reply_to]
    if refs:
        headers["References"] = _bracket(refs[-20:])
    if auto_submitted:
        # RFC 3834: marks automatic mail so well-behaved responders do not answer it.
        headers["Auto-Submitted"] = auto_submitted
        headers["X-Auto-Response-Suppress"] = "All"
    if tracking_number:
        headers["X-Casedesk-Case"] = tracking_number
    return headers


def enqueue(
    *,
    to: Sequence[str],
    subject: str,
    body: str,
    kind: str,
    now: dt.datetime,
    key: str | None = None,
    case_id: int | None = None,
    tracking_number: str = "",
    reply_token: str | None = None,
    in_reply_to: str = "",
    references: Sequence[str] = (),
    auto_submitted: str = "",
    extra_headers: dict[str, str] | None = None,
    message_id: str = "",
    reply_to_support: bool = True,
    nudge: bool = True,
    new_key: bool = False,
) -> OutboundMessage | None:
    """Queue one mail in the caller's transaction; None when `key` was queued before.

    `body` may be empty only for a key whose prefix has a renderer (written at the first
    attempt). Replies go to the support address (plus the case's signed token, if given) unless
    `reply_to_support` is False. `nudge=False` leaves the first attempt to the caller's own
    `deliver_due` pass. `new_key=True` promises a key nobody can have used (it names something
    created in this transaction): the insert then needs no savepoint.
    """
    local, domain = mail_local_part(), mail_domain()
    reply_to = f"{local}+{reply_token}@{domain}" if reply_token else f"{local}@{domain}"
    record = OutboundMessage(
        message_id=message_id or new_message_id(now),
        case_id=case_id,
        kind=kind,
        key=key,
        to=list(to),
        reply_to=reply_to if reply_to_support else "",
        subject=" ".join(subject.split())[:250],
        body=body,
        headers={
            **_headers(in_reply_to, references, auto_submitted, tracking_number),
            **(extra_headers or {}),
        },
        next_attempt_at=now,
        created_at=now,
    )
    if new_key:
        record.save(force_insert=True)
    else:
        try:
            with transaction.atomic():  # a savepoint: a used key must not break the caller
                record.save(force_insert=True)
        except IntegrityError:
            if key and OutboundMessage.objects.filter(key=key).exists():
                return None
            raise
    if nudge:
        _nudge_after_commit(record.pk)
    return record


def worker_polls() -> bool:
    """True when new mail needs no nudge: tasks are database rows, which `casedesk worker`
    runs, and its loop also sends the outbox's due mail every second (OUTBOX_POLL_SECONDS)."""
    return isinstance(task_backends["default"], DatabaseBackend)


def _nudge_after_commit(pk: int) -> None:
    """Queue the first attempt so that it runs only after the commit.

    The database task backend's row commits with the mail (no second commit, which intake
    would pay for every message); other backends (Redis, immediate) get it after the commit.
    """
    if transaction.get_connection().in_atomic_block and isinstance(
        task_backends["default"], DatabaseBackend
    ):
        deliver_task.enqueue(pk)
    else:
        transaction.on_commit(lambda: _nudge(pk))


def _nudge(pk: int) -> None:
    try:
        deliver_task.enqueue(pk)
    except Exception:  # noqa: BLE001 - the worker's periodic pass sends it anyway
        log.warning("could not queue the delivery of outbound mail %s", pk, exc_info=True)


@task()
def deliver_task(pk: int) -> bool:
    """The first attempt, right after the commit (defined here: notify imports this module).

    Safe to run twice (a worker killed mid-task has it run again): the claim below is keyed on
    the mail's `next_attempt_at`, so a second run sends nothing already sent or being sent."""
    return attempt(pk, clock.now(), dt.timedelta(seconds=settings.CASEDESK_MAIL_LEASE_SECONDS))


# -- sending --------------------------------------------------------------------------------------


def deliver_due(now: dt.datetime, *, limit: int = 100, lease: dt.timedelta = LEASE) -> int:
    """Attempt every mail whose next attempt is due; returns how many were sent."""
    due = OutboundMessage.objects.filter(next_attempt_at__lte=now).order_by("next_attempt_at")
    rows = list(due.values_list("pk", "next_attempt_at")[:limit])
    return sum(_attempt(pk, seen, now, lease) for pk, seen in rows)


def attempt(pk: int, now: dt.datetime, lease: dt.timedelta = LEASE) -> bool:
    """One attempt at one mail if it is due; True when this attempt sent it."""
    due = OutboundMessage.objects.filter(pk=pk, next_attempt_at__lte=now)
    seen = due.values_list("next_attempt_at", flat=True).first()
    return seen is not None and _attempt(pk, seen, now, lease)


def _attempt(pk: int, seen: dt.datetime | None, now: dt.datetime, lease: dt.timedelta) -> bool:
    claimed = OutboundMessage.objects.filter(
        pk=pk, status=OutboundStatus.QUEUED, next_attempt_at=seen
    ).update(next_attempt_at=now + lease, attempts=F("attempts") + 1)
    if claimed != 1:
        return False  # another sender got there first
    record = OutboundMessage.objects.get(pk=pk)
    sent = False
    try:
        if not record.body:
            _render(record)
        if not record.to:
            raise PermanentFailure("nobody to send it to: the mail has no recipients")
        with get_connection(fail_silently=False) as connection:
            connection.send_messages([build_email(record)])
            # Stored before QUIT: a crash between the server's 250 and this line is the one
            # moment that sends a mail twice (same Message-ID); QUIT's round trip stays out of it.
            _sent(record, now)
            sent = True
    except Exception as exc:  # noqa: BLE001 - any failure is stored and retried or given up
        if sent:  # only closing the connection failed: the mail went out
            log.warning("outbound mail %s sent; closing the connection failed: %s", pk, exc)
            return True
        _failed(record, exc, now)
        return False
    return True


def _sent(record: OutboundMessage, now: dt.datetime) -> None:
    # Conditional on our claim: a sender whose lease ran out does not overwrite a newer attempt.
    OutboundMessage.objects.filter(pk=record.pk, attempts=record.attempts).update(
        status=OutboundStatus.SENT, sent_at=now, next_attempt_at=None, error=""
    )


def _render(record: OutboundMessage) -> None:
    prefix = (record.key or "").partition(":")[0]
    renderer = RENDERERS.get(prefix)
    if renderer is None:
        raise PermanentFailure("the mail has no text, and nothing can write it")
    record.body = renderer(record)
    OutboundMessage.objects.filter(pk=record.pk).update(body=record.body)


def build_email(record: OutboundMessage) -> EmailMessage:
    """Plain text first, and the same words as simple HTML for clients that prefer it."""
    mail = EmailMultiAlternatives(
        subject=record.subject,
        body=record.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(record.to),
        reply_to=[record.reply_to] if record.reply_to else None,
        headers={"Message-ID": f"<{record.message_id}>", **record.headers},
    )
    mail.attach_alternative(text_to_html(record.body), "text/html")
    return mail


def _permanent(exc: Exception) -> bool:
    if isinstance(exc, PermanentFailure):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def _failed(record: OutboundMessage, exc: Exception, now: dt.datetime) -> None:
    log.warning("outbound mail %s, attempt %s failed: %s", record.pk, record.attempts, exc)
    fields: dict[str, Any] = {"error": f"{type(exc).__name__}: {exc}"[:2000]}
    if _permanent(exc) or record.attempts >= max_attempts():
        fields |= {"status": OutboundStatus.GAVE_UP, "next_attempt_at": None}
    else:
        fields["next_attempt_at"] = now + backoff(record.attempts)
    OutboundMessage.objects.filter(pk=record.pk, attempts=record.attempts).update(**fields)


# -- the console's lists and the engineer's decision ----------------------------------------------


LISTS = {
    OutboundStatus.GAVE_UP: "Gave up",
    OutboundStatus.QUEUED: "Waiting to be sent",
}


def listing(status: str) -> QuerySet[OutboundMessage]:
    """Given-up mail newest first; waiting mail in the order it will be tried."""
    qs = OutboundMessage.objects.filter(status=status).defer("body")
    if status == OutboundStatus.QUEUED:
        return qs.order_by("next_attempt_at", "pk")
    return qs.order_by("-created_at", "-pk")


def with_tracking_numbers(messages: Sequence[OutboundMessage]) -> Sequence[OutboundMessage]:
    """Sets `tracking_number` ("" without a case) on the mails of one page, in one query."""
    ids = {m.case_id for m in messages if m.case_id}
    numbers = dict(Case.objects.filter(pk__in=ids).values_list("pk", "tracking_number"))
    for m in messages:
        m.tracking_number = numbers.get(m.case_id or 0, "")  # type: ignore[attr-defined]
    return messages


def access_outbound(user: Any, pk: int) -> OutboundMessage:
    """The one permission-checked fetch: engineers only; others see the same 404 as no mail."""
    if not is_agent(user):
        raise NoSuchMail("No such mail.")
    record = OutboundMessage.objects.filter(pk=pk).first()
    if record is None:
        raise NoSuchMail("No such mail.")
    return record


def send_again(actor: Any, record: OutboundMessage, now: dt.datetime) -> OutboundMessage:
    """Put a given-up mail back in the queue with a fresh set of attempts."""
    if not is_agent(actor):
        raise NoSuchMail("No such mail.")
    if not record.body and (record.key or "").partition(":")[0] not in RENDERERS:
        raise OutboxError(
            "This mail was recorded before casedesk kept the text of outbound mail, so it "
            "cannot be sent again; write to the recipient from the case instead."
        )
    with transaction.atomic():
        claimed = OutboundMessage.objects.filter(
            pk=record.pk, status=OutboundStatus.GAVE_UP
        ).update(status=OutboundStatus.QUEUED, attempts=0, next_attempt_at=now)
        if claimed != 1:
            raise OutboxError(
                "This mail is no longer in the gave-up list: it was sent, or someone already "
                "put it back in the queue."
            )
        log.info("outbound mail %s sent again by %s", record.pk, actor)
        _nudge_after_commit(record.pk)
    record.refresh_from_db()
    return record
