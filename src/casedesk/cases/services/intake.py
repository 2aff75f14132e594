"""Opening cases and customers' replies: every channel comes through here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from casedesk.cases.models import Case, Channel, EventKind, SeverityRequest, Status
from casedesk.customers import services as customers
from casedesk.customers.models import Release, SupportContact
from casedesk.lib import clock
from casedesk.terms import Terms

from . import attachments as files
from .access import require_contact_of
from .errors import CaseError, NotEntitled
from .events import new_event, record, record_all
from .numbers import next_number, tracking_number
from .retry import retry_on_lock
from .sla_fields import refresh_sla, set_new_case_sla, watch_new_case


def channel_severity(terms: Terms, channel: str) -> int:
    """The severity a case starts at on `channel`.

    Terms: web form cases start at Severity 3, e-mail at 4. The API is a programmatic web form.
    """
    channels = terms.channels
    return int((channels.email if channel == Channel.EMAIL else channels.web).initial_severity)


def _validate(subject: str, requested_severity: int | None) -> str:
    subject = " ".join((subject or "").split())
    if not subject:
        raise CaseError("A subject is required: say in a few words what is wrong.", field="subject")
    if len(subject) > 300:
        raise CaseError(
            f"The subject is {len(subject)} characters; keep it under 300.", field="subject"
        )
    if requested_severity is not None and requested_severity not in (1, 2, 3, 4):
        raise CaseError("Severity must be 1, 2, 3 or 4.", field="requested_severity")
    return subject


def _release(product: str, version: str) -> Release | None:
    if not (product and version):
        return None
    return Release.objects.filter(product__iexact=product, version__iexact=version).first()


@retry_on_lock
def open_case(
    contact: SupportContact,
    *,
    channel: str,
    subject: str,
    description: str = "",
    requested_severity: int | None = None,
    product: str = "",
    version: str = "",
    received_at: dt.datetime | None = None,
    message_id: str = "",
    attachments: Sequence[files.FileSpec] = (),
    follows: Case | None = None,
) -> Case:
    """Open a case for an entitled contact: number, initial severity, deadline, events."""
    received_at = received_at or clock.now()
    subject = _validate(subject, requested_severity)
    if channel not in Channel.values:
        raise CaseError(f"Unknown channel {channel!r}.")
    files.check_sizes(attachments)
    try:
        subscription = customers.entitled_subscription(contact, received_at)
    except customers.EntitlementError as exc:
        raise NotEntitled(exc.message) from exc
    terms = subscription.terms
    severity = channel_severity(terms, channel)
    release = _release(product, version)
    exclusion = (
        customers.release_exclusion(release, subscription.local_date(received_at), terms)
        if release
        else None
    )
    # Writes only from here: inside a caller's transaction (mail intake, a reply that opens a
    # follow-up) no savepoint is taken, as a failure here fails the caller's unit of work.
    with transaction.atomic(savepoint=False):
        number = next_number()
        case = Case(
            number=number,
            tracking_number=tracking_number(terms.tracking_prefix, number),
            customer_id=contact.customer_id,
            subscription=subscription,
            contact=contact,
            level=subscription.level,
            terms_version=subscription.terms_version,
            channel=channel,
            subject=subject,
            description=description or "",
            product=product[:100],
            version=version[:50],
            release=release,
            version_exclusion=exclusion or "",
            requested_severity=requested_severity,
            severity_request=(
                SeverityRequest.PENDING
                if requested_severity and requested_severity < severity
                else SeverityRequest.NONE
            ),
            severity=severity,
            status=Status.NEW,
            received_at=received_at,
            updated_at=received_at,
            follows=follows,
        )
        events = [
            new_event(
                case,
                EventKind.RECEIVED,
                contact,
                received_at,
                body=case.description,
                message_id=message_id,
                channel=channel,
                severity=severity,
                requested_severity=requested_severity,
                follows=follows.tracking_number if follows else None,
            )
        ]
        if case.severity_request == SeverityRequest.PENDING:
            events.append(
                new_event(
                    case,
                    EventKind.SEVERITY_REQUESTED,
                    contact,
                    received_at,
                    public=True,
                    requested=requested_severity,
                    current=severity,
                )
            )
        # The SLA fields go in with the case's INSERT; they are derived from the same events.
        set_new_case_sla(case, events)
        case.save(force_insert=True)
        record_all(events)
        files.store(case, events[0], attachments, received_at, public=True)
        watch_new_case(case)
    return case


@retry_on_lock
def customer_reply(
    contact: SupportContact,
    case: Case,
    *,
    body: str,
    received_at: dt.datetime | None = None,
    message_id: str = "",
    attachments: Sequence[files.FileSpec] = (),
    channel: str = "",
) -> Case:
    """A contact's reply. Reopens a finished case within the terms' window; after it, opens a
    new case that follows the old one, on the `channel` the reply came through (default: the
    old case's), which sets its initial severity. Returns the case the reply landed on."""
    received_at = received_at or clock.now()
    require_contact_of(contact, case)
    if not body.strip() and not attachments:
        raise CaseError("The reply is empty: write a message or attach a file.", field="body")
    files.check_sizes(attachments)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if not case.is_open:
            if not _within_reopen_window(case, received_at):
                return open_case(
                    contact,
                    channel=channel or case.channel,
                    subject=f"Follow-up to {case.tracking_number}: {case.subject}"[:300],
                    description=body,
                    received_at=received_at,
                    message_id=message_id,
                    attachments=attachments,
                    follows=case,
                )
            _reopen(contact, case, received_at, reason="The customer replied.")
        event = record(
            case, EventKind.CUSTOMER_REPLIED, contact, received_at, body=body, message_id=message_id
        )
        files.store(case, event, attachments, received_at, public=True)
        if case.status == Status.WAITING:
            case.status = Status.TRIAGED
        case.updated_at = received_at
        case.save(update_fields=["status", "updated_at"])
    return case


def can_reopen(case: Case, at: dt.datetime) -> bool:
    """May the customer still reopen this finished case at `at`? (The terms' reopen window.)"""
    return not case.is_open and _within_reopen_window(case, at)


def _within_reopen_window(case: Case, at: dt.datetime) -> bool:
    days = case.terms_version.terms.cases.reopen_window_days
    return case.closed_at is not None and at <= case.closed_at + dt.timedelta(days=days)


def _reopen(contact: SupportContact, case: Case, at: dt.datetime, reason: str) -> None:
    record(case, EventKind.REOPENED, contact, at, reason=reason, previous=case.status)
    case.status = Status.TRIAGED
    case.closed_at = None
    case.exclusion_code = ""
    case.save(update_fields=["status", "closed_at", "exclusion_code", "updated_at"])
    refresh_sla(case)  # the SLA watch reschedules whatever still applies to an open case


@retry_on_lock
def reopen(
    contact: SupportContact, case: Case, *, reason: str, at: dt.datetime | None = None
) -> Case:
    """The customer reopens a resolved or closed case within the terms' reopen window."""
    at = at or clock.now()
    require_contact_of(contact, case)
    if not reason.strip():
        raise CaseError("Say why the case needs reopening.", field="reason")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.is_open:
            raise CaseError(f"{case.tracking_number} is still open; reply to it instead.")
        if not _within_reopen_window(case, at):
            days = case.terms_version.terms.cases.reopen_window_days
            raise CaseError(
                f"{case.tracking_number} was closed more than {days} days ago and can no longer be "
                "reopened; open a new case and mention it."
            )
        case.updated_at = at
        _reopen(contact, case, at, reason=reason)
    return case
