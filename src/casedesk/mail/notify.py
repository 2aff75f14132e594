"""Outbound notifications: what the customer hears by mail, sent by a task after the commit.

Recipient: the case's reporting contact only (no cc), while that contact is active. Other contacts
of the customer follow cases in the portal; mailing them all would leak one person's case to
colleagues the reporter did not choose to tell.

Flow: `events.record()` calls `on_event()` for every event. Only public news warrants a mail (an
engineer's reply, a severity change or a declined request, resolved/closed, closed as out of
scope, a delivered patch); customers' own messages and internal notes never do. The task is
queued with the change (see `_schedule`), so neither a web request nor SMTP intake waits on
outbound SMTP, a rolled-back change mails nothing, and a crash after the commit loses nothing. The task records the OutboundMessage under a unique key
("event:<id>", "ack:<case id>"), so a retried task never mails twice.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction

from casedesk.cases.models import Case, CaseEvent, EventKind, Status
from casedesk.mail import outbound
from casedesk.mail.models import OutboundMessage
from casedesk.mail.tokens import make_token

log = logging.getLogger(__name__)

MAILED_KINDS = frozenset(
    {
        EventKind.REPLIED,
        EventKind.SEVERITY_CHANGED,
        EventKind.SEVERITY_DECLINED,
        EventKind.STATUS_CHANGED,
        EventKind.EXCLUDED,
        EventKind.PATCH_DELIVERED,
    }
)
MAILED_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED})
FOOTER = "\nReply to this message to add to the case.\n"


def warrants_mail(event: CaseEvent) -> bool:
    if not event.public or event.kind not in MAILED_KINDS:
        return False
    if event.kind == EventKind.STATUS_CHANGED:
        return (event.data or {}).get("to") in MAILED_STATUSES
    return True


def on_event(event: CaseEvent) -> None:
    """Called by `events.record()` inside the service's transaction."""
    if warrants_mail(event):
        _schedule("notify_event_task", event.pk)


def schedule_acknowledgement(
    case_id: int, in_reply_to: str, references: Sequence[str], refused: Sequence[tuple[str, int]]
) -> None:
    """Mail intake's acknowledgement, after the commit (the SMTP reply never waits on it)."""
    args = (case_id, in_reply_to, list(references), [list(r) for r in refused])
    _schedule("acknowledge_task", *args)


def schedule_notice(**spec: Any) -> None:
    """A one-off notice (unverified sender, refusal, refused attachments), after the commit."""
    _schedule("send_notice_task", spec)


def _schedule(name: str, *args: Any) -> None:
    """Queue a mail task so that it is neither lost nor sent for a change that rolled back.

    The database task backend writes its row in the caller's transaction, so the task commits
    with the change or not at all (record first, then act). Other backends (Redis, immediate)
    live outside the database: those are given the task after the commit.
    """
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    if transaction.get_connection().in_atomic_block and isinstance(
        task_backends["default"], DatabaseBackend
    ):
        # A failure here fails the change too: nothing is committed that was not announced.
        _enqueue_now(name, *args)
    else:
        transaction.on_commit(lambda: _enqueue(name, *args))


def _enqueue_now(name: str, *args: Any) -> None:
    from casedesk.mail import tasks

    getattr(tasks, name).enqueue(*args)


def _enqueue(name: str, *args: Any) -> None:
    try:
        _enqueue_now(name, *args)
    except Exception:
        # The change is committed; a lost notification must not turn it into an error page.
        log.exception("could not enqueue %s%r", name, args)


# --- the tasks' work ------------------------------------------------------------------------


def send_event_mail(event_id: int) -> str:
    event = (
        CaseEvent.objects.select_related("case__contact", "case__terms_version")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return "skipped: no such event"
    case = event.case
    if not case.contact.is_active:
        return "skipped: the reporting contact is no longer active"
    return _send_once(
        case,
        key=f"event:{event_id}",
        kind=event.kind,
        subject=f"[{case.tracking_number}] {case.subject}",
        body=render_event(event) + FOOTER,
    )


def send_acknowledgement(
    case_id: int, in_reply_to: str, references: list[str], refused: list[list[Any]]
) -> str:
    case = Case.objects.select_related("contact", "terms_version").filter(pk=case_id).first()
    if case is None:
        return "skipped: no such case"
    return _send_once(
        case,
        key=f"ack:{case_id}",
        kind="ack",
        subject=f"[{case.tracking_number}] {case.subject}",
        body=acknowledgement_body(case, refused),
        in_reply_to=in_reply_to,
        references=references,
        auto_submitted=True,
    )


def send_notice(spec: dict[str, Any]) -> str:
    case_id = spec.get("case_id")
    case = Case.objects.filter(pk=case_id).first() if case_id else None
    with transaction.atomic():
        record = outbound.send_case_mail(
            case,
            to=spec["to"],
            subject=spec["subject"],
            body=spec["body"],
            in_reply_to=spec.get("in_reply_to", ""),
            references=spec.get("references", []),
            reply_token=make_token(case.id) if case is not None else None,
            auto_submitted=True,
            kind=spec.get("kind", ""),
        )
    return record.message_id


def _send_once(
    case: Case,
    *,
    key: str,
    kind: str,
    subject: str,
    body: str,
    in_reply_to: str = "",
    references: Sequence[str] = (),
    auto_submitted: bool = False,
) -> str:
    if not in_reply_to:
        in_reply_to, references = thread_headers(case)
    try:
        with transaction.atomic():
            record = outbound.send_case_mail(
                case,
                to=[case.contact.email],
                subject=subject,
                body=body,
                in_reply_to=in_reply_to,
                references=references,
                reply_token=make_token(case.id),
                auto_submitted=auto_submitted,
                kind=kind,
                key=key,
            )
    except IntegrityError:
        return f"skipped: {key} was mailed before"
    return record.message_id


def thread_headers(case: Case) -> tuple[str, list[str]]:
    """In-Reply-To and References: the customer's first message, then our latest mails."""
    first = (
        case.events.filter(kind=EventKind.RECEIVED)
        .exclude(message_id="")
        .values_list("message_id", flat=True)
        .first()
    )
    sent = OutboundMessage.objects.filter(case_id=case.id).order_by("-created_at", "-id")
    refs = [first or "", *reversed(sent.values_list("message_id", flat=True)[:10])]
    refs = [r for r in refs if r]
    return (refs[-1] if refs else ""), refs


# --- bodies ---------------------------------------------------------------------------------


def render_event(event: CaseEvent) -> str:
    case, data = event.case, event.data or {}
    number = case.tracking_number
    reason = f"\nReason: {event.reason}\n" if event.reason else ""
    if event.kind == EventKind.REPLIED:
        files = [a.name for a in event.attachments.all()]
        listed = "".join(f"\n  - {name}" for name in files)
        extra = f"\n\nFiles attached (download them from the portal):{listed}" if files else ""
        return f"{event.actor_label} wrote on case {number}:\n\n{event.body}{extra}\n"
    if event.kind == EventKind.SEVERITY_CHANGED:
        return (
            f"Case {number} changed from Severity {data.get('from')} to Severity "
            f"{data.get('to')}.\n{reason}{_deadline_line(case)}"
        )
    if event.kind == EventKind.SEVERITY_DECLINED:
        return (
            f"Your request for Severity {data.get('requested')} on case {number} was declined; "
            f"the case stays at Severity {data.get('kept', case.severity)}.\n{reason}"
        )
    if event.kind == EventKind.STATUS_CHANGED:
        label = Status(data["to"]).label.lower()
        return f"Case {number} is now {label}.\n{reason}"
    if event.kind == EventKind.EXCLUDED:
        return (
            f"Case {number} was closed as out of scope under exclusion ({data.get('code')}) of "
            f"your support terms:\n\n  {data.get('exclusion', '')}\n{reason}"
        )
    return f"The emergency patch for case {number} was delivered:\n\n{event.body}\n"


def _deadline_line(case: Case) -> str:
    if case.first_response_at is not None:
        return ""
    if case.response_deadline is None:
        return "First response: reasonable efforts (no fixed deadline).\n"
    return f"First response due by: {_local(case.response_deadline, case.contact.time_zone)}\n"


def _local(moment: Any, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime("%a %d %b %Y %H:%M %Z")


def acknowledgement_body(case: Case, refused: list[list[Any]]) -> str:
    lines = [
        f"Hello,\n\nYour request is case {case.tracking_number}: {case.subject}\n",
        f"Severity: {case.severity} (requested: {case.requested_severity or 'none'})",
        _deadline_line(case),
    ]
    if refused:
        lines.append(refused_text(refused))
    lines.append("How the deadline was worked out:\n")
    lines.append(_explanation(case))
    lines.append(FOOTER)
    return "\n".join(x for x in lines if x)


def _explanation(case: Case) -> str:
    from casedesk.cases.sla_cli import explain_lines

    try:
        return "\n".join(explain_lines(case, tz=case.contact.time_zone)) + "\n"
    except Exception:  # an explanation is a courtesy; the acknowledgement must still go out
        log.exception("explaining the deadline of %s failed", case.tracking_number)
        return "(The explanation is on the case page in the portal.)\n"


def refused_text(refused: Sequence[Sequence[Any]]) -> str:
    from casedesk.mail.intake import human_size, max_attachment_bytes

    names = "\n".join(f"  - {name} ({human_size(int(size))})" for name, size in refused)
    return (
        f"These attachments are larger than the limit of {human_size(max_attachment_bytes())} "
        f"per file and were not added to the case:\n{names}\n"
        "Compress or split them and send them again.\n"
    )
