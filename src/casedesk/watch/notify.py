"""Who hears an SLA alert, and the mail they get (Django's mail API; sent outside transactions)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection

from casedesk.cases.models import Case, SeverityRequest
from casedesk.customers.roles import AGENTS, MANAGERS
from casedesk.mail.tokens import mail_domain

from .models import AlertKind, SlaAlert


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
    groups = (MANAGERS,) if step == "managers" else (AGENTS, MANAGERS)
    found = _group_addresses(*groups)
    return sorted({*mine, *found})


def message_id(alert: SlaAlert) -> str:
    """Stable per alert: a resend after a crash carries the same Message-ID, so clients merge it."""
    return f"sla-{alert.pk}.{alert.kind}@{mail_domain()}"


def _when(t: dt.datetime, zone: str) -> str:
    local = t.astimezone(ZoneInfo(zone))
    return f"{local:%a %Y-%m-%d %H:%M %Z} ({t.astimezone(dt.UTC):%H:%M} UTC)"


def subject(case: Case, alert: SlaAlert) -> str:
    pending = case.severity_request == SeverityRequest.PENDING and case.requested_severity
    what = {
        AlertKind.BREACH: "response target breached",
        AlertKind.PAGE: f"Severity {pending or case.severity} needs an engineer now",
    }.get(alert.kind, f"{alert.kind.removeprefix('warn')}% of the response time used")
    return f"[{case.tracking_number}] SLA: {what} ({case.customer.name}, Sev {case.severity})"


def body(case: Case, alert: SlaAlert) -> str:
    zone = case.terms_version.terms.calendar.timezone
    lines = [
        f"Case {case.tracking_number}: {case.subject}",
        f"Customer: {case.customer.name} ({case.level}), Severity {case.severity}",
        f"Received: {_when(case.received_at, zone)}",
    ]
    if case.response_deadline:
        lines.append(f"First response due: {_when(case.response_deadline, zone)}")
    if alert.kind == AlertKind.BREACH:
        lines.append("No first response has been sent and the response target has passed.")
    elif alert.kind == AlertKind.PAGE:
        lines.append("The customer's case pages the on-duty engineer (no pager URL configured).")
    else:
        lines.append("No first response yet: reply to the customer before the deadline.")
    assignee = case.assignee.get_username() if case.assignee else "nobody"
    lines += [f"Assigned to: {assignee}", "", f"{settings.SITE_URL}/"]
    return "\n".join(lines)


def send(case: Case, alert: SlaAlert) -> None:
    """Send now through the configured backend; raises on failure."""
    email = EmailMessage(
        subject=subject(case, alert),
        body=body(case, alert),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(alert.recipients),
        headers={
            "Message-ID": f"<{message_id(alert)}>",
            "X-Casedesk-Case": case.tracking_number,
            "X-Casedesk-Alert": alert.kind,
            "Auto-Submitted": "auto-generated",
        },
    )
    with get_connection(fail_silently=False) as connection:
        connection.send_messages([email])
