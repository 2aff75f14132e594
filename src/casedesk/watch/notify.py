"""Who hears an SLA alert, and the mail they get (queued in the outbox with the alert)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from casedesk.cases.models import Case, SeverityRequest
from casedesk.cases.wording import level_words
from casedesk.customers.roles import AGENTS, MANAGERS
from casedesk.lib import tz
from casedesk.lib.links import console_case_url
from casedesk.mail import outbox
from casedesk.mail.models import OutboundMessage
from casedesk.mail.tokens import mail_domain

from .models import AlertKind, AlertStatus, SlaAlert


def _group_addresses(*groups: str) -> list[str]:
    users = get_user_model().objects.filter(is_active=True, groups__name__in=groups)
    return sorted({u.email for u in users if u.email})


def recipients(case: Case, step: str) -> list[str]:
    """Escalation: the assignee, then the whole team, then the managers; the assignee always."""
    assignee = case.assignee
    mine = [assignee.email] if assignee and assignee.is_active and assignee.email else []
    if step == "assignee" and mine:
        return mine
    # "team" also serves "pager" without a pager URL, and an unassigned case's "assignee" step.
    # Issue 18: the team is the case's support group; without one (or with nobody reachable in
    # it), every engineer and manager, as before groups existed.
    team = _members(case) if step != "managers" else []
    groups = (MANAGERS,) if step == "managers" else (AGENTS, MANAGERS)
    found = team or _group_addresses(*groups)
    return sorted({*mine, *found})


def _members(case: Case) -> list[str]:
    if case.group_id is None:
        return []
    users = get_user_model().objects.filter(is_active=True, group_memberships__group=case.group_id)
    return sorted({u.email for u in users if u.email})


def message_id(alert: SlaAlert) -> str:
    """Stable per alert: a resend after a crash carries the same Message-ID, so clients merge it."""
    return f"sla-{alert.pk}.{alert.kind}@{mail_domain()}"


def _when(t: dt.datetime, zone: str) -> str:
    local = tz.local_text(t, zone)
    return f"{local} ({t.astimezone(dt.UTC):%H:%M} UTC)"


def subject(case: Case, alert: SlaAlert) -> str:
    pending = case.severity_request == SeverityRequest.PENDING and case.requested_severity
    what = {
        AlertKind.BREACH: "response deadline missed",
        AlertKind.PAGE: f"Severity {pending or case.severity} needs an engineer now",
    }.get(alert.kind, f"{alert.kind.removeprefix('warn')}% of the response time used")
    return f"[{case.tracking_number}] SLA: {what} ({case.customer.name}, Sev {case.severity})"


def body(case: Case, alert: SlaAlert) -> str:
    terms = case.terms_version.terms
    zone = terms.calendar.timezone
    lines = [
        f"Case {case.tracking_number}: {case.subject}",
        f"Customer: {case.customer.name}, {level_words(terms, case.level)}",
        f"Severity {case.severity}",
        f"Received: {_when(case.received_at, zone)}",
    ]
    if case.response_deadline:
        lines.append(f"First response due: {_when(case.response_deadline, zone)}")
    if alert.kind == AlertKind.BREACH:
        lines.append("No first response has been sent, and the response deadline has passed.")
    elif alert.kind == AlertKind.PAGE:
        lines.append(
            "This case pages the on-duty engineer. No pager URL is configured, so this mail is "
            "the page."
        )
    else:
        lines.append("No first response yet: reply to the customer before the deadline.")
    assignee = case.assignee.get_username() if case.assignee else "nobody"
    lines += [
        f"Assigned to: {assignee}",
        "",
        f"Open the case: {console_case_url(case.tracking_number)}",
    ]
    return "\n".join(lines) + "\n"


def queue_mail(case: Case, alert: SlaAlert, now: dt.datetime) -> None:
    """Queue the response alert's mail in the outbox, in the transaction that records it."""
    enqueue_alert(case, alert, now, subject(case, alert), body(case, alert), f"sla:{alert.kind}")


def enqueue_alert(
    case: Case, alert: SlaAlert, now: dt.datetime, subject: str, body: str, kind: str
) -> None:
    """Queue an alert's mail (response or effort watch) and mark the alert mailed.

    The sweep delivers it in the same pass (no task nudge). The Message-ID is stable per
    alert, so a resend after a crash is the same message to the recipient's mail client.
    """
    outbox.enqueue(
        to=alert.recipients,
        subject=subject,
        body=body,
        kind=kind,
        key=f"alert:{alert.pk}",
        now=now,
        case_id=case.pk,
        tracking_number=case.tracking_number,
        auto_submitted="auto-generated",
        extra_headers={"X-Casedesk-Alert": alert.kind},
        message_id=message_id(alert),
        reply_to_support=False,  # an engineer's answer belongs on the case, not in intake
        nudge=False,
    )
    SlaAlert.objects.filter(pk=alert.pk).update(
        status=AlertStatus.MAILED, message_id=message_id(alert)
    )


def alerts_for(case: Case) -> list[SlaAlert]:
    """A case's alerts, oldest first, each with `mail`: its outbox mail (None for a page)."""
    alerts = list(case.sla_alerts.order_by("created_at"))
    keys = [f"alert:{a.pk}" for a in alerts]
    mails = OutboundMessage.objects.defer("body").in_bulk(keys, field_name="key")
    for alert in alerts:
        alert.mail = mails.get(f"alert:{alert.pk}")  # type: ignore[attr-defined]
    return alerts
