"""The mail of an effort alert: a quiet case or an update due (queued with the alert)."""

from __future__ import annotations

import datetime as dt

from casedesk.cases.effort import history
from casedesk.cases.models import Case
from casedesk.cases.wording import level_words
from casedesk.lib import tz
from casedesk.lib.links import console_case_url

from .models import AlertKind, SlaAlert
from .notify import enqueue_alert


def _when(t: dt.datetime, zone: str) -> str:
    return f"{tz.local_text(t, zone)} ({t.astimezone(dt.UTC):%H:%M} UTC)"


def subject(case: Case, alert: SlaAlert) -> str:
    what = {
        AlertKind.QUIET: "quiet, no engineer activity",
        AlertKind.QUIET_ESCALATED: "still quiet (escalated)",
        AlertKind.UPDATE: "a public update is due",
    }[alert.kind]
    return f"[{case.tracking_number}] Effort: {what} ({case.customer.name}, Sev {case.severity})"


def body(case: Case, alert: SlaAlert) -> str:
    terms = case.terms_version.terms
    zone = terms.calendar.timezone
    h = history(case, case.events.all())
    rule = h.update_rule if alert.kind == AlertKind.UPDATE and h.update_rule else h.rule
    lines = [
        f"Case {case.tracking_number}: {case.subject}",
        f"Customer: {case.customer.name}, {level_words(terms, case.level)}",
        f"Severity {case.severity}",
    ]
    if case.last_activity_at:
        lines.append(f"Last engineer activity: {_when(case.last_activity_at, zone)}")
    if alert.kind == AlertKind.UPDATE:
        lines.append(f"Public update due every {rule.target}: due {_when(alert.due_at, zone)}.")
    else:
        lines.append(
            f"No engineer activity for {rule.target} on the effort clock ({rule.clock_words}); "
            "reply, add a note or change the status to show the work."
        )
    assignee = case.assignee.get_username() if case.assignee else "nobody"
    lines += [
        f"Assigned to: {assignee}",
        "",
        f"Open the case: {console_case_url(case.tracking_number)}",
    ]
    return "\n".join(lines) + "\n"


def queue_mail(case: Case, alert: SlaAlert, now: dt.datetime) -> None:
    """Queue the effort alert's mail in the outbox in the transaction that records the alert."""
    enqueue_alert(case, alert, now, subject(case, alert), body(case, alert), f"effort:{alert.kind}")
