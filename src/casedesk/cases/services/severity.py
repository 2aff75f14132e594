"""Severity: only the vendor changes it, always with a reason, under the quota rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from casedesk.cases.models import Case, EventKind, SeverityRequest, Status
from casedesk.customers import services as customers
from casedesk.customers.models import SupportContact
from casedesk.lib import clock

from .access import require_agent, require_contact_of
from .errors import CaseError
from .events import record
from .retry import retry_on_lock
from .sla_fields import refresh_sla


class _QuotaRefused(Exception):
    """The raise needs an incident the quota no longer has; carries what the refusal records."""

    def __init__(self, case: Case, severity: int, exceeded: customers.QuotaExceeded) -> None:
        super().__init__(exceeded.message)
        self.case = case
        self.severity = severity
        self.exceeded = exceeded


def _check(severity: int, reason: str) -> None:
    if severity not in (1, 2, 3, 4):
        raise CaseError("Severity must be 1, 2, 3 or 4.", field="severity")
    if not reason.strip():
        raise CaseError(
            "Give a reason for the severity change; it goes in the audit log.", field="reason"
        )


def _require_open(case: Case) -> None:
    """A finished case's severity is history: nothing changes, nothing is charged."""
    if case.status == Status.RESOLVED:
        raise CaseError(
            f"{case.tracking_number} is resolved; move it back to triaged before changing its "
            "severity.",
            field="severity",
        )
    if not case.is_open:
        raise CaseError(
            f"{case.tracking_number} is closed; a closed case's severity cannot change.",
            field="severity",
        )


def _charge_quota(
    agent: AbstractBaseUser, case: Case, new: int, at: dt.datetime, override: str
) -> None:
    """Terms: an incident is charged when it first holds a quota severity (Standard: 1 or 2)."""
    if not customers.quota_applies(case.subscription, new):
        return
    try:
        entry = customers.charge_incident(
            agent, case.subscription, case_ref=case.tracking_number, at=at, override_reason=override
        )
    except customers.QuotaExceeded as exc:
        raise _QuotaRefused(case, new, exc) from None
    if entry is not None:
        kind = (
            EventKind.QUOTA_OVERRIDDEN
            if override and entry.kind == "override"
            else EventKind.QUOTA_CHARGED
        )
        status = customers.quota_status(case.subscription, at)
        record(case, kind, agent, at, public=False, reason=override, quota=status.text)


def _locked(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("subscription", "terms_version")
        .get(pk=case.pk)
    )


def _under_lock(
    agent: AbstractBaseUser, case: Case, at: dt.datetime, reason: str, work: Callable[[Case], Case]
) -> Case:
    """Run `work` on the locked case; a quota refusal rolls it back, then is recorded.

    The refusal is history engineers need ("why is this still Severity 3?"), so it is written in
    a transaction of its own after the attempted change has rolled back, and the caller still
    gets the error.
    """
    try:
        with transaction.atomic():
            return work(_locked(case))
    except _QuotaRefused as refused:
        with transaction.atomic():
            record(
                refused.case,
                EventKind.QUOTA_REFUSED,
                agent,
                at,
                public=False,
                reason=reason,
                requested=refused.severity,
                current=refused.case.severity,
                quota=refused.exceeded.status.text,
            )
        raise CaseError(
            f"Severity {refused.severity} is refused. {refused.exceeded.message}",
            field="severity",
        ) from None


def _change(
    agent: AbstractBaseUser,
    case: Case,
    severity: int,
    reason: str,
    at: dt.datetime,
    override: str,
) -> Case:
    """Set `severity` on the locked `case`. Setting exactly the severity a pending request asks
    for answers it: the request is confirmed, and the audit log says so."""
    _require_open(case)
    answers = (
        case.severity_request == SeverityRequest.PENDING and case.requested_severity == severity
    )
    if severity == case.severity and not answers:
        raise CaseError(f"{case.tracking_number} is already Severity {severity}.", field="severity")
    _charge_quota(agent, case, severity, at, override)
    old = case.severity
    if severity != old:
        request = {"request": SeverityRequest.CONFIRMED.value, "requested": severity}
        record(
            case,
            EventKind.SEVERITY_CHANGED,
            agent,
            at,
            reason=reason,
            **{
                "from": old,
                "to": severity,
                "before_first_response": case.first_response_at is None,
                **(request if answers else {}),
            },
        )
    case.severity = severity
    if answers:
        case.severity_request = SeverityRequest.CONFIRMED
    case.updated_at = at
    case.save(update_fields=["severity", "severity_request", "updated_at"])
    refresh_sla(case)
    return case


@retry_on_lock
def change_severity(
    agent: AbstractBaseUser,
    case: Case,
    severity: int,
    reason: str,
    *,
    override_quota_reason: str = "",
    at: dt.datetime | None = None,
) -> Case:
    require_agent(agent, "change a case's severity")
    _check(severity, reason)
    at = at or clock.now()
    override = override_quota_reason.strip()
    return _under_lock(
        agent,
        case,
        at,
        reason,
        lambda locked: _change(agent, locked, severity, reason, at, override),
    )


@retry_on_lock
def confirm_severity_request(
    agent: AbstractBaseUser, case: Case, reason: str = "", *, at: dt.datetime | None = None
) -> Case:
    require_agent(agent, "confirm a severity request")
    at = at or clock.now()

    def confirm(locked: Case) -> Case:
        # Checked under the lock: another engineer may have answered it a moment ago.
        if locked.severity_request != SeverityRequest.PENDING or locked.requested_severity is None:
            raise CaseError(f"{locked.tracking_number} has no severity request waiting.")
        why = (
            reason.strip()
            or f"Confirmed the customer's request for Severity {locked.requested_severity}."
        )
        return _change(agent, locked, locked.requested_severity, why, at, "")

    return _under_lock(agent, case, at, reason.strip(), confirm)


@retry_on_lock
def decline_severity_request(
    agent: AbstractBaseUser, case: Case, reason: str, *, at: dt.datetime | None = None
) -> Case:
    require_agent(agent, "decline a severity request")
    if not reason.strip():
        raise CaseError("Tell the customer why the requested severity is declined.", field="reason")
    at = at or clock.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.severity_request != SeverityRequest.PENDING:
            raise CaseError(f"{case.tracking_number} has no severity request waiting.")
        record(
            case,
            EventKind.SEVERITY_DECLINED,
            agent,
            at,
            reason=reason,
            requested=case.requested_severity,
            kept=case.severity,
        )
        case.severity_request = SeverityRequest.DECLINED
        case.updated_at = at
        case.save(update_fields=["severity_request", "updated_at"])
    return case


@retry_on_lock
def request_severity_change(
    contact: SupportContact,
    case: Case,
    severity: int,
    reason: str,
    *,
    at: dt.datetime | None = None,
) -> Case:
    """A customer asks for a different severity; an engineer confirms or declines it."""
    require_contact_of(contact, case)
    _check(severity, reason)
    at = at or clock.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if not case.is_open:
            # A finished case's severity cannot change, so a request would wait forever.
            raise CaseError(
                f"{case.tracking_number} is {case.get_status_display().lower()}; reply to it or "
                "open a new case to ask for another severity.",
                field="severity",
            )
        if severity == case.severity:
            raise CaseError(
                f"{case.tracking_number} is already Severity {severity}.", field="severity"
            )
        record(
            case,
            EventKind.SEVERITY_REQUESTED,
            contact,
            at,
            reason=reason,
            requested=severity,
            current=case.severity,
        )
        case.requested_severity = severity
        case.severity_request = SeverityRequest.PENDING
        case.updated_at = at
        case.save(update_fields=["requested_severity", "severity_request", "updated_at"])
        refresh_sla(case)  # the SLA watch pages for a pending Severity 1 request
    return case
