"""Severity: only the vendor changes it, always with a reason, under the quota rule."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from casedesk.cases.models import Case, EventKind, SeverityRequest
from casedesk.customers import services as customers
from casedesk.customers.models import SupportContact
from casedesk.lib import clock

from .access import require_agent, require_contact_of
from .errors import CaseError
from .events import record
from .retry import retry_on_lock
from .sla_fields import refresh_sla


def _check(severity: int, reason: str) -> None:
    if severity not in (1, 2, 3, 4):
        raise CaseError("Severity must be 1, 2, 3 or 4.", field="severity")
    if not reason.strip():
        raise CaseError(
            "Give a reason for the severity change; it goes in the audit log.", field="reason"
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
        raise CaseError(
            f"Severity {new} is refused. {exc.message}",
            field="severity",
        ) from None
    if entry is not None:
        kind = (
            EventKind.QUOTA_OVERRIDDEN
            if override and entry.kind == "override"
            else EventKind.QUOTA_CHARGED
        )
        status = customers.quota_status(case.subscription, at)
        record(case, kind, agent, at, public=False, reason=override, quota=status.text)


@retry_on_lock
def change_severity(
    agent: AbstractBaseUser,
    case: Case,
    severity: int,
    reason: str,
    *,
    override_quota_reason: str = "",
    at: dt.datetime | None = None,
    _request_outcome: str = "",
) -> Case:
    require_agent(agent, "change a case's severity")
    _check(severity, reason)
    at = at or clock.now()
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("subscription", "terms_version")
            .get(pk=case.pk)
        )
        if severity == case.severity and not _request_outcome:
            raise CaseError(
                f"{case.tracking_number} is already Severity {severity}.", field="severity"
            )
        _charge_quota(agent, case, severity, at, override_quota_reason.strip())
        old = case.severity
        if severity != old:
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
                },
            )
        case.severity = severity
        if _request_outcome:
            case.severity_request = _request_outcome
        case.updated_at = at
        case.save(update_fields=["severity", "severity_request", "updated_at"])
        refresh_sla(case)
    return case


def confirm_severity_request(
    agent: AbstractBaseUser, case: Case, reason: str = "", *, at: dt.datetime | None = None
) -> Case:
    require_agent(agent, "confirm a severity request")
    if case.severity_request != SeverityRequest.PENDING or case.requested_severity is None:
        raise CaseError(f"{case.tracking_number} has no severity request waiting.")
    reason = (
        reason.strip()
        or f"Confirmed the customer's request for Severity {case.requested_severity}."
    )
    return change_severity(
        agent,
        case,
        case.requested_severity,
        reason,
        at=at,
        _request_outcome=SeverityRequest.CONFIRMED,
    )


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
