"""Inbound mail into cases: nothing acted on goes unrecorded, answer only after the commit.

`accept()` is the one entry point for every intake (SMTP, IMAP, tests). The raw message and
what it made (case, reply, hold) commit in one transaction; a message whose processing fails
is still stored, marked failed with the error. The SMTP reply it returns is what the sender's
server sees, so "250" is only ever said about committed work.

What intake asks of the case and customer apps is named in one place, `CaseServicesDesk`,
which an engineer's decision on held mail (and a test) subclasses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    connections,
    router,
    transaction,
)

from casedesk.cases import notifications
from casedesk.cases import services as cs
from casedesk.cases.models import Case
from casedesk.customers.models import SupportContact
from casedesk.customers.services import EntitlementError
from casedesk.customers.services.lookups import active_contacts_by_email
from casedesk.desk.services import followers
from casedesk.lib import clock, txfiles
from casedesk.mail.loops import is_null_sender, should_auto_reply
from casedesk.mail.models import (
    InboundMessage,
    InboundStatus,
    OutboundMessage,
    UnverifiedNotice,
)
from casedesk.mail.parse import ParsedMessage, clean_text, parse_message, shorten
from casedesk.mail.tokens import mail_domain, mail_local_part, verify_token

log = logging.getLogger(__name__)

REPLY_DUPLICATE = "250 OK: already have it"
REPLY_HELD = "250 OK: received, held for review"
REPLY_KEPT = "250 OK: received, kept for an engineer"
REPLY_RETRY = "451 4.3.0 Received but not processed; please try again later"
SUBJECT_LENGTH = cast(int, InboundMessage._meta.get_field("subject").max_length)  # a CharField
# Statuses whose processing did not finish: a redelivery processes them again.
RETRYABLE = (InboundStatus.RECEIVED, InboundStatus.FAILED)


class CaseServicesDesk:
    """What intake asks of the case and customer apps: `casedesk.cases.services` and active
    `SupportContact`s. Engineers' decisions (mail.services) and tests subclass it."""

    # A CaseError says what is wrong with the request (not entitled, no project description...):
    # retrying will not help, an engineer has to look.
    permanent_errors: tuple[type[Exception], ...] = (
        cs.CaseError,
        EntitlementError,
        ValidationError,
        PermissionDenied,
    )
    # True when an engineer chose the contact for a held message: automated mail is then
    # added as that engineer decided, where intake on its own would hold it.
    decided_by_engineer = False

    def tracking_prefix(self) -> str | None:
        # Subjects carry the prefix of the terms a case was opened under; any prefix matches.
        return None

    def contacts_for(self, address: str) -> list[SupportContact]:
        # One address may be an active contact of several customers (a consultant): the
        # threaded case, or an engineer, decides which customer a message belongs to.
        return active_contacts_by_email(address)

    def case_by_id(self, case_id: int) -> Any | None:
        return Case.objects.filter(pk=case_id).first()

    def case_by_ref(self, ref: str) -> Any | None:
        return cs.find_case_by_ref(ref)

    def case_by_message_ids(self, ids: list[str]) -> Any | None:
        return cs.find_case_by_message_ids(ids)

    def may_reply(self, contact: SupportContact, case: Case) -> bool:
        # A guessed tracking number must not let one customer write into another's case.
        return bool(contact.customer_id == case.customer_id)

    def open_case(
        self, contact: SupportContact, parsed: ParsedMessage, received_at: dt.datetime
    ) -> Case:
        subject, description = parsed.subject or "(no subject)", parsed.text
        limit = cast(int, Case._meta.get_field("subject").max_length)  # a CharField
        if len(subject) > limit:
            # Mail is never refused for a long subject: the case gets it shortened, and its
            # first message (the description, on the case page) starts with the whole of it.
            description = f"Subject: {subject}\n\n{description}"
            subject = shorten(subject, limit)
        return cs.open_case(
            contact,
            channel="email",
            subject=subject,
            description=description,
            requested_severity=parsed.requested_severity,
            received_at=received_at,
            message_id=parsed.message_id,
            attachments=[a.as_file() for a in parsed.attachments],
        )

    def customer_reply(
        self, contact: SupportContact, case: Case, parsed: ParsedMessage, received_at: dt.datetime
    ) -> Case:
        # customer_reply reopens a closed case within the reopen window and opens a follow-up
        # case after it; it returns the case the reply landed on.
        return cs.customer_reply(
            contact,
            case,
            body=parsed.text or "(no text)",
            received_at=received_at,
            message_id=parsed.message_id,
            attachments=[a.as_file() for a in parsed.attachments],
            channel="email",
        )


@dataclass
class _Context:
    inbound: InboundMessage
    parsed: ParsedMessage
    desk: CaseServicesDesk
    envelope_from: str | None  # None: unknown (an IMAP copy without Return-Path)

    @property
    def automated(self) -> str:
        """What makes the message machine-sent ("" when nothing does): it is never answered
        and never opens or reopens a case on its own."""
        if is_null_sender(self.envelope_from):
            return "A bounce or delivery status notification (null envelope sender <>)"
        return "An automated message" if self.parsed.auto_submitted else ""


def max_attachment_bytes() -> int:
    return int(settings.CASEDESK_MAX_ATTACHMENT_BYTES)


def own_addresses() -> list[str]:
    configured = settings.CASEDESK_MAIL_OWN_ADDRESSES
    return [
        f"{mail_local_part()}@{mail_domain()}",
        f"@{mail_domain()}",
        settings.DEFAULT_FROM_EMAIL.lower(),
        *configured,
    ]


def parse(raw: bytes, recipients: list[str], desk: CaseServicesDesk | None = None) -> ParsedMessage:
    prefix = desk.tracking_prefix() if desk is not None else None
    return parse_message(
        raw,
        max_attachment_bytes=max_attachment_bytes(),
        ref_prefix=prefix,
        envelope_recipients=recipients,
        own_domains=[mail_domain()],
    )


def accept(
    raw: bytes,
    *,
    envelope_from: str | None,
    recipients: list[str],
    source: str = "smtp",
    desk: CaseServicesDesk | None = None,
) -> str:
    """Store one message and act on it; returns the SMTP reply to give the sender.

    `envelope_from` is the reverse-path: SMTP's MAIL FROM, or for IMAP the Return-Path the
    delivery agent wrote; "" is the null sender <> of bounces, None unknown (no Return-Path).
    Raises only when nothing could be committed (database down): the caller answers 451.
    """
    desk = desk or CaseServicesDesk()
    parsed = parse(raw, recipients, desk)
    try:
        return _accept(raw, parsed, envelope_from, recipients, source, desk)
    finally:
        # Files written by a rolled-back attempt or savepoint (attachments) are removed.
        txfiles.settle()


def _accept(
    raw: bytes,
    parsed: ParsedMessage,
    envelope_from: str | None,
    recipients: list[str],
    source: str,
    desk: CaseServicesDesk,
) -> str:
    problems = list(parsed.problems)
    try:
        if _stored(parsed.message_id):
            # A redelivery is not processed again only to be rolled back: that would write its
            # files again and, on PostgreSQL, use up a tracking number (sequences never roll back).
            raise _Stored
        return _accept_new(raw, parsed, envelope_from, recipients, source, desk)
    except (OperationalError, InterfaceError):
        raise  # database trouble: nothing is committed, the sender retries
    except Exception as exc:
        # Rolled back whole: a stored Message-ID, or processing failed. The careful path below
        # stores the message first and records any failure beside it.
        parsed.problems[:] = problems  # what the rolled-back attempt noted is not the record's
        if not isinstance(exc, (_Stored, IntegrityError, *desk.permanent_errors)):
            log.warning("message %s failed once; trying again", parsed.message_id, exc_info=True)
    txfiles.settle()  # before the careful path writes the files again, under the same names
    with transaction.atomic():
        inbound = _record(raw, parsed, envelope_from, recipients, source)
        if inbound is None:
            return REPLY_DUPLICATE
        return _process_guarded(_Context(inbound, parsed, desk, envelope_from))


class _Stored(Exception):
    """The Message-ID is stored already."""


def _stored(message_id: str) -> bool:
    # Asked for every message: plain SQL (public API only: the cursor, the model's _meta
    # options), as the ORM's query compilation costs three times the indexed lookup.
    connection = connections[router.db_for_read(InboundMessage)]
    table = connection.ops.quote_name(InboundMessage._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE message_id = %s", [message_id])  # noqa: S608
        return cursor.fetchone() is not None


def _accept_new(
    raw: bytes,
    parsed: ParsedMessage,
    envelope_from: str | None,
    recipients: list[str],
    source: str,
    desk: CaseServicesDesk,
) -> str:
    """The usual case, a new Message-ID that processes cleanly, in one transaction: act, then
    store the message with its outcome. The message and what it made commit together or not at
    all. Anything else (the Message-ID is stored already, processing fails) rolls the whole
    transaction back and raises; `accept` then takes the careful path, which stores the message
    first and processes it in a savepoint, so a failure is recorded beside the message.
    """
    inbound = _new(raw, parsed, envelope_from, recipients, source)
    with transaction.atomic():
        reply = _process(_Context(inbound, parsed, desk, envelope_from))
        inbound.save(force_insert=True)  # a stored Message-ID: IntegrityError, all rolled back
        return reply


def content_digest(parsed: ParsedMessage) -> str:
    """What the sender wrote (From, Subject, text, attachments), not the hops' headers."""
    h = hashlib.sha256()
    for part in (parsed.from_address, parsed.subject, parsed.text):
        h.update(part.encode("utf-8", "replace") + b"\0")
    for a in parsed.attachments:
        h.update(f"{a.name}\0{len(a.data)}\0".encode("utf-8", "replace"))
        h.update(hashlib.sha256(a.data).digest())
    return h.hexdigest()


def _record(
    raw: bytes, parsed: ParsedMessage, envelope_from: str | None, recipients: list[str], source: str
) -> InboundMessage | None:
    """The stored message to process, or None when it is already stored and handled.

    Idempotency is keyed on the Message-ID alone: the same message delivered twice, or once
    directly and once through a list or a second support address (another envelope sender),
    is one message. A sender that reuses a Message-ID for different content is not: such a
    message is stored under `<id>/<digest>` and a problem says so, so nothing is lost.
    """
    inbound = _new(raw, parsed, envelope_from, recipients, source)
    if _saved(inbound):
        return inbound
    stored = InboundMessage.objects.filter(message_id=parsed.message_id).values("digest").first()
    if stored is not None and stored["digest"] not in ("", inbound.digest):
        parsed.problems.append("the Message-ID was used before for different content")
        inbound.message_id = f"{parsed.message_id[:180]}/{inbound.digest[:32]}"
        inbound.problems = parsed.problems[:50]
        if _saved(inbound):
            return inbound
        parsed.message_id = inbound.message_id
    return _claim_unfinished(parsed.message_id)


def _saved(inbound: InboundMessage) -> bool:
    """Insert the record; False when its Message-ID is stored already."""
    try:
        with transaction.atomic():
            inbound.save(force_insert=True)
    except IntegrityError:
        return False
    return True


def _new(
    raw: bytes, parsed: ParsedMessage, envelope_from: str | None, recipients: list[str], source: str
) -> InboundMessage:
    """The record of a message, not yet saved."""
    return InboundMessage(
        message_id=parsed.message_id,
        digest=content_digest(parsed),
        raw=raw,
        received_at=clock.now(),  # receipt: our clock, never the Date header
        source=source,
        envelope_from=clean_text(envelope_from)[:320],
        envelope_to=[clean_text(r)[:320] for r in recipients][:100],
        from_address=parsed.from_address,
        subject=shorten(parsed.subject, SUBJECT_LENGTH),  # the raw message keeps it whole
        problems=parsed.problems[:50],
    )


def _claim_unfinished(message_id: str) -> InboundMessage | None:
    # Seen before. Claim an unfinished one with a conditional UPDATE so two concurrent
    # redeliveries cannot both process it.
    existing = InboundMessage.objects.filter(message_id=message_id)
    if existing.filter(status__in=RETRYABLE).update(status=InboundStatus.RECEIVED, error="") != 1:
        return None
    return existing.get()


def _process_guarded(context: _Context) -> str:
    """process() in a savepoint: on failure the record stays, marked failed with the error."""
    try:
        with transaction.atomic():
            return _process(context)
    except (OperationalError, InterfaceError):
        raise  # database trouble: nothing is committed, the sender retries
    except Exception as exc:
        if isinstance(exc, context.desk.permanent_errors):
            _fail(context.inbound, exc)
            _explain_refusal(context)
            return REPLY_KEPT
        log.exception("processing inbound message %s failed", context.inbound.message_id)
        _fail(context.inbound, exc)
        # Kept, and the sender's server will try again: a redelivery reprocesses it.
        return REPLY_RETRY


def _fail(inbound: InboundMessage, exc: Exception) -> None:
    inbound.status = InboundStatus.FAILED
    inbound.error = clean_text(getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}")
    inbound.error = inbound.error[:4000]
    inbound.save(update_fields=["status", "error"])


def retry(inbound: InboundMessage, *, desk: CaseServicesDesk | None = None) -> str:
    """Process a stored (held or failed) message again, guarded like `accept`: a failure marks
    it failed instead of raising. Call inside a transaction; answers like `accept`."""
    desk = desk or CaseServicesDesk()
    parsed = parse(bytes(inbound.raw), list(inbound.envelope_to), desk)
    envelope = inbound.envelope_from if inbound.source == "smtp" else None
    return _process_guarded(_Context(inbound, parsed, desk, envelope))


def _process(ctx: _Context) -> str:
    parsed = ctx.parsed
    contacts = ctx.desk.contacts_for(parsed.from_address) if parsed.from_address else []
    if not contacts:
        return _hold(ctx, "The sender is not an active support contact.", notify=True)
    automated = "" if ctx.desk.decided_by_engineer else ctx.automated
    case, contact = _thread(ctx, contacts)
    if case is not None:
        if automated and not case.is_open:
            # A reply would reopen it, or open a follow-up case after the reopen window.
            return _hold(
                ctx,
                f"{automated} for {case.tracking_number}, which is {case.status}; not added, "
                "as that would reopen the case.",
                notify=False,
            )
        landed = ctx.desk.customer_reply(contact, case, parsed, ctx.inbound.received_at)
        if landed.id != case.id:  # a follow-up case after the reopen window
            _acknowledge(ctx, landed)
        elif parsed.refused_attachments:
            _send_refused_notice(ctx, landed)
        return _done(ctx, landed)
    if automated:
        return _hold(ctx, f"{automated} that answers no case.", notify=False)
    customers = {c.customer_id: c.customer.name for c in contacts}
    if len(customers) > 1:
        # Opening the case under a guessed customer would show it to that customer's contacts.
        names = ", ".join(sorted(customers.values()))
        return _hold(
            ctx,
            f"The sender is an active support contact of several customers ({names}) and the "
            "message answers no case; attach it to the right customer's contact.",
            notify=False,
        )
    case = ctx.desk.open_case(contacts[0], parsed, ctx.inbound.received_at)
    _acknowledge(ctx, case)
    return _done(ctx, case)


def _thread(ctx: _Context, contacts: list[Any]) -> tuple[Any | None, Any]:
    """The case a reply belongs to (signed reply address, then tracking number, then headers)
    and the sender's contact record at that case's customer; (None, None) when none."""
    parsed, desk = ctx.parsed, ctx.desk
    case_id = verify_token(parsed.plus_token) if parsed.plus_token else None
    lookups = [
        ("reply address", lambda: desk.case_by_id(case_id) if case_id else None),
        (
            "tracking number",
            lambda: desk.case_by_ref(parsed.tracking_ref) if parsed.tracking_ref else None,
        ),
        ("In-Reply-To/References", lambda: _case_by_thread_ids(desk, parsed.thread_ids)),
    ]
    for key, lookup in lookups:
        case = lookup()
        if case is None:
            continue
        for contact in contacts:
            if desk.may_reply(contact, case):
                return case, contact
        parsed.problems.append(f"the {key} names a case of another customer; not threaded")
    return None, None


def _case_by_thread_ids(desk: CaseServicesDesk, ids: list[str]) -> Any | None:
    """Our own outbound mail first (replies to acknowledgements), then the case events."""
    if not ids:
        return None
    sent = dict(
        OutboundMessage.objects.filter(message_id__in=ids, case_id__isnull=False).values_list(
            "message_id", "case_id"
        )
    )
    for message_id in ids:  # nearest ancestor first
        case_id = sent.get(message_id)
        if case_id is not None:
            return desk.case_by_id(case_id)
    return desk.case_by_message_ids(ids)


def _done(ctx: _Context, case: Any) -> str:
    # Colleagues in Cc follow the case; addresses that are not its customer's contacts are
    # ignored without a word (issue 18).
    followers.add_from_cc(case, ctx.parsed.cc_addresses)
    inbound = ctx.inbound
    inbound.status = InboundStatus.PROCESSED
    inbound.case_id = case.id
    inbound.processed_at = clock.now()
    inbound.problems = ctx.parsed.problems[:50]
    _save_outcome(inbound, ["status", "case_id", "processed_at", "problems"])
    return f"250 OK: {case.tracking_number}"


def _save_outcome(inbound: InboundMessage, fields: list[str]) -> None:
    # A record not stored yet (`_accept_new`) is inserted with its outcome after processing.
    if inbound.pk is not None:
        inbound.save(update_fields=fields)


def _hold(ctx: _Context, reason: str, *, notify: bool) -> str:
    inbound = ctx.inbound
    inbound.status = InboundStatus.HELD_UNVERIFIED
    inbound.error = reason
    inbound.processed_at = clock.now()
    _save_outcome(inbound, ["status", "error", "processed_at"])
    if notify and _may_answer(ctx) and _claim_daily_notice(ctx.parsed.from_address):
        _notice(ctx, None, _re(ctx.parsed), unverified_body(ctx.parsed.from_address), "unverified")
    return REPLY_HELD


def _re(parsed: ParsedMessage) -> str:
    return f"Re: {parsed.subject}" if parsed.subject else "Your message to support"


def _notice(ctx: _Context, case: Any, subject: str, body: str, kind: str) -> None:
    notifications.schedule_notice(
        case_id=case.id if case is not None else None,
        to=[ctx.parsed.from_address],
        subject=subject,
        body=body,
        in_reply_to=ctx.parsed.message_id,
        references=list(ctx.parsed.references),
        kind=kind,
    )


def _explain_refusal(ctx: _Context) -> None:
    """Tell the sender why no case was opened (the services' errors are written for people)."""
    if _may_answer(ctx) and _claim_daily_notice(ctx.parsed.from_address):
        _notice(ctx, None, _re(ctx.parsed), refusal_body(ctx.inbound.error), "refused")


def _may_answer(ctx: _Context) -> bool:
    return should_auto_reply(ctx.parsed, own_addresses(), envelope_from=ctx.envelope_from)


def _claim_daily_notice(address: str) -> bool:
    """True once per address per UTC day: the unique (address, day) pair is the claim."""
    now = clock.now()
    try:
        with transaction.atomic():
            UnverifiedNotice.objects.create(address=address, day=now.date(), sent_at=now)
    except IntegrityError:
        return False
    return True


def unverified_body(address: str) -> str:
    return (
        f"Hello,\n\nWe received your message, but {address} is not an active support contact "
        "of a customer with a support subscription, so no case was opened.\n\n"
        "Your message is kept, and a support engineer will review it. If you should be able "
        "to open cases, ask your organisation's support administrator to add this address as "
        "a support contact.\n\n"
        "This is an automatic reply; you will get at most one of these a day.\n"
    )


def refusal_body(reason: str) -> str:
    return (
        f"Hello,\n\nWe received your message but could not open a case:\n\n  {reason}\n\n"
        "Your message is kept, and a support engineer will review it.\n\n"
        "This is an automatic reply; you will get at most one of these a day.\n"
    )


def _refused(parsed: ParsedMessage) -> list[tuple[str, int]]:
    return [(r.name, r.size) for r in parsed.refused_attachments]


def _acknowledge(ctx: _Context, case: Any) -> None:
    """Queued after the commit: the SMTP reply never waits on outbound mail or the explanation."""
    if not _may_answer(ctx):
        return
    parsed = ctx.parsed
    notifications.schedule_acknowledgement(
        case.id, parsed.message_id, parsed.references, _refused(parsed)
    )


def _send_refused_notice(ctx: _Context, case: Any) -> None:
    if _may_answer(ctx):
        body = (
            f"Hello,\n\nYour reply was added to case {case.tracking_number}.\n\n"
            + notifications.refused_text(_refused(ctx.parsed))
        )
        _notice(ctx, case, f"[{case.tracking_number}] Attachments not added", body, "refused")
