"""Opening cases and customers' replies: every channel comes through here."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ParamSpec

from django.db import transaction

from casedesk.cases.models import (
    Attachment,
    Case,
    CaseEvent,
    Channel,
    EventKind,
    SeverityRequest,
    Status,
)
from casedesk.cases.notifications import schedule_acknowledgement
from casedesk.customers import services as customers
from casedesk.customers.models import Release, Subscription, SupportContact
from casedesk.lib import clock
from casedesk.terms import Terms

from . import attachments as files
from .access import require_contact_of
from .classify import check_environment, check_kind
from .errors import CaseError, NotEntitled
from .events import new_event, record, record_all
from .groups import routed_events
from .numbers import next_number, tracking_number
from .retry import retry_on_lock
from .sla_fields import refresh_sla, set_new_case_sla, watch_new_case
from .waiting import answered

RESOLUTION = ["resolution", "resolution_release", "resolution_patch", "duplicate_of"]


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


@dataclass(frozen=True)
class _Opening:
    """The severity a case opens at, after the incident quota had its say."""

    severity: int
    requested: int | None
    charged: customers.QuotaStatus | None = None  # charged an incident; the quota after it
    refused: customers.QuotaExceeded | None = None  # wanted `channel_severity`, quota used up
    wanted: int = 0
    quota_severities: tuple[int, ...] = ()

    def events(self, case: Case, at: dt.datetime) -> list[CaseEvent]:
        """The engineers' internal record of the quota decision (none when the quota had none)."""
        if self.charged is not None:
            return [
                new_event(
                    case,
                    EventKind.QUOTA_CHARGED,
                    None,
                    at,
                    public=False,
                    severity=self.severity,
                    quota=self.charged.text,
                )
            ]
        if self.refused is not None:
            return [
                new_event(
                    case,
                    EventKind.QUOTA_REFUSED,
                    None,
                    at,
                    public=False,
                    reason=self.refused.message,
                    requested=self.wanted,
                    opened_at=self.severity,
                    quota=self.refused.status.text,
                )
            ]
        return []

    def explanation(self) -> str:
        """For the customer, on the pending request: why the case is not at its channel's
        severity. Empty when it is."""
        if self.refused is None:
            return ""
        severities = "/".join(str(s) for s in self.quota_severities)
        return (
            f"This case would start at Severity {self.wanted}, but the subscription's Severity "
            f"{severities} incidents are used up ({self.refused.status.text}). It is opened at "
            f"Severity {self.severity}; a support engineer will confirm Severity {self.wanted} "
            "(an override of the quota) or decline it."
        )


def _opening(
    subscription: Subscription,
    case_ref: str,
    severity: int,
    requested: int | None,
    at: dt.datetime,
) -> _Opening:
    """Terms: an incident is charged when it first holds a quota severity, and a channel's
    initial severity (a terms setting, 2 in some files) is such a moment.

    With the quota used up the case is still opened (nothing is lost; mail is never refused
    for it): at the most urgent severity the quota does not count, keeping the channel's
    severity as a pending request that an engineer confirms with an override, or declines.
    """
    quota = subscription.level_terms.quota
    if quota is None or not customers.quota_applies(subscription, severity):
        return _Opening(severity, requested)
    try:
        entry = customers.charge_incident(None, subscription, case_ref=case_ref, at=at)
    except customers.QuotaExceeded as exc:
        lower = next((s for s in range(severity + 1, 5) if s not in quota.severities), None)
        if lower is None:  # the terms count every severity below this one too
            raise CaseError(f"Severity {severity} is refused. {exc.message}") from None
        wanted = min(requested or severity, severity)
        return _Opening(
            lower, wanted, refused=exc, wanted=severity, quota_severities=quota.severities
        )
    charged = customers.quota_status(subscription, at) if entry is not None else None
    return _Opening(severity, requested, charged=charged)


@dataclass(frozen=True)
class Opened:
    """A case just opened and everything written with it, in order: enough to show the case
    without reading it back."""

    case: Case
    events: list[CaseEvent]
    attachments: list[Attachment]


P = ParamSpec("P")


def _case_only(opener: Callable[P, Opened]) -> Callable[P, Case]:
    @functools.wraps(opener)
    def open_only(*args: P.args, **kwargs: P.kwargs) -> Case:
        return opener(*args, **kwargs).case

    return open_only


@retry_on_lock
def open_case_recorded(
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
    kind: str = "",
    environment: str = "",
) -> Opened:
    """Open a case for an entitled contact: number, initial severity, deadline, events.

    Kind and environment are asked on the web form and the API; mail leaves them "unknown".
    """
    received_at = received_at or clock.now()
    subject = _validate(subject, requested_severity)
    kind, environment = check_kind(kind), check_environment(environment)
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
        ref = tracking_number(terms.tracking_prefix, number)
        opening = _opening(subscription, ref, severity, requested_severity, received_at)
        case = Case(
            number=number,
            tracking_number=ref,
            customer=contact.customer,  # loaded by the entitlement check; shown with the case
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
            requested_severity=opening.requested,
            severity_request=(
                SeverityRequest.PENDING
                if opening.requested and opening.requested < opening.severity
                else SeverityRequest.NONE
            ),
            severity=opening.severity,
            status=Status.NEW,
            received_at=received_at,
            updated_at=received_at,
            follows=follows,
            kind=kind,
            environment=environment,
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
                severity=opening.severity,
                requested_severity=requested_severity,
                follows=follows.tracking_number if follows else None,
                case_kind=kind,  # `kind` is the event's own
                environment=environment,
            ),
            *opening.events(case, received_at),
        ]
        if case.severity_request == SeverityRequest.PENDING:
            events.append(
                new_event(
                    case,
                    EventKind.SEVERITY_REQUESTED,
                    contact,
                    received_at,
                    public=True,
                    reason=opening.explanation(),
                    requested=case.requested_severity,
                    current=case.severity,
                )
            )
        events += routed_events(case, received_at)  # issue 18: the group's rules
        # The SLA fields go in with the case's INSERT; they are derived from the same events.
        set_new_case_sla(case, events)
        case.save(force_insert=True)
        record_all(events)
        stored = files.store(case, events[0], attachments, received_at, public=True)
        watch_new_case(case)
        if channel != Channel.EMAIL:  # mail intake acknowledges with its own thread headers
            schedule_acknowledgement(case.pk, "", [], [])
    return Opened(case, events, stored)


# The callers that need only the case: mail intake, the portal, a reply that opens a follow-up.
open_case = _case_only(open_case_recorded)


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
        if _merged(case):  # issue 18: the conversation goes on where it was merged
            original = case.duplicate_of
            assert original is not None  # `_merged` says so
            return customer_reply(
                contact,
                original,
                body=body,
                received_at=received_at,
                message_id=message_id,
                attachments=attachments,
                channel=channel,
            )
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
        # The reply ends a wait on the customer: the case and the vendor's clock resume.
        resumes = case.status == Status.WAITING
        moved = {"from": case.status, "to": Status.TRIAGED} if resumes else {}
        event = record(
            case,
            EventKind.CUSTOMER_REPLIED,
            contact,
            received_at,
            body=body,
            message_id=message_id,
            **moved,
        )
        files.store(case, event, attachments, received_at, public=True)
        if resumes:
            case.status = Status.TRIAGED
            answered(case, received_at)
        case.updated_at = received_at
        case.save(update_fields=["status", "updated_at"])
    return case


def can_reopen(case: Case, at: dt.datetime) -> bool:
    """May the customer still reopen this finished case at `at`? (The terms' reopen window.)"""
    return not case.is_open and not _merged(case) and _within_reopen_window(case, at)


def _merged(case: Case) -> bool:
    """Closed as a duplicate (merged, or resolved so and closed): its original carries on."""
    return case.status == Status.CLOSED and case.duplicate_of_id is not None


def _within_reopen_window(case: Case, at: dt.datetime) -> bool:
    days = case.terms_version.terms.cases.reopen_window_days
    return case.closed_at is not None and at <= case.closed_at + dt.timedelta(days=days)


def _reopen(contact: SupportContact, case: Case, at: dt.datetime, reason: str) -> None:
    record(
        case,
        EventKind.REOPENED,
        contact,
        at,
        reason=reason,
        previous=case.status,
        **{"from": case.status, "to": Status.TRIAGED},
    )
    case.status = Status.TRIAGED
    case.closed_at = None
    case.exclusion_code = ""
    # Reopened: how it was resolved no longer holds.
    case.resolution, case.resolution_release, case.resolution_patch = "", None, None
    case.duplicate_of = None
    case.save(update_fields=["status", "closed_at", "exclusion_code", *RESOLUTION, "updated_at"])
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
        if _merged(case):
            raise CaseError(
                f"{case.tracking_number} was closed as a duplicate of "
                f"{case.duplicate_of.tracking_number}; reply on that case instead."  # type: ignore[union-attr]
            )
        if not _within_reopen_window(case, at):
            days = case.terms_version.terms.cases.reopen_window_days
            raise CaseError(
                f"{case.tracking_number} was closed more than {days} days ago and can no longer be "
                "reopened; open a new case and mention it."
            )
        case.updated_at = at
        _reopen(contact, case, at, reason=reason)
    return case
