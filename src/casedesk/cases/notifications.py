"""Which case events notify whom, and what the mail says; the outbox (`casedesk.mail.outbox`) is
the transport that sends it.

Recipients: the case's reporting contact, while active, and the colleagues who follow the case
(issue 18: added by the reporter, an engineer, or the Cc of the customer's mail). Other contacts
of the customer see cases in the portal; mailing them all would tell one person's case to
colleagues the reporter did not choose. Watching engineers get their own mail (desk.watch_mail).

Flow: `events.record_all()` calls `on_event()` for every event. Only public news warrants a mail (an
engineer's reply, a severity change or a declined request, resolved/closed, closed as out of
scope, a delivered patch); customers' own messages and internal notes never do. The mail is
queued in the outbox (casedesk.mail.outbox) inside the change's transaction under a unique key
("event:<id>", "ack:<case id>"), so a rolled-back change mails nothing, a crash after the commit
loses nothing, and nothing is queued twice.

When the text is written:
- An acknowledgement or notice is written when it is queued, in intake's transaction: it says
  what the case was when casedesk accepted it, even if an engineer changes it a minute later.
- An event's mail is written from the event log at its first attempt, because a service records
  the event before its other writes (a reply's files, a severity change's new deadline). The
  text depends only on the events up to that one, so it reads the same whenever it is written.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db.models import Q

from casedesk.cases import after_wording
from casedesk.cases.deadlines import replay
from casedesk.cases.explain import fmt, receipt_explanation
from casedesk.cases.models import Case, CaseEvent, EventKind, Status
from casedesk.cases.request_clocks import request_clocks
from casedesk.cases.wording import level_words, severity_words
from casedesk.desk.recipients import follower_addresses
from casedesk.desk.watch_mail import mail_watchers
from casedesk.lib import clock
from casedesk.lib.links import portal_case_url
from casedesk.mail import outbox
from casedesk.mail.models import OutboundMessage
from casedesk.mail.tokens import make_token

MAILED_KINDS = frozenset(
    {
        EventKind.REPLIED,
        EventKind.SEVERITY_CHANGED,
        EventKind.SEVERITY_DECLINED,
        EventKind.STATUS_CHANGED,
        EventKind.EXCLUDED,
        EventKind.PATCH_DELIVERED,
        EventKind.MERGED,
        *after_wording.KINDS,
    }
)
MAILED_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED})
REPLY_LINE = "Reply to this message to add to the case."


def warrants_mail(event: CaseEvent) -> bool:
    if not event.public or event.kind not in MAILED_KINDS:
        return False
    if event.kind == EventKind.STATUS_CHANGED:
        return (event.data or {}).get("to") in MAILED_STATUSES
    return True


# The case whose RECEIVED event this thread recorded last (see `schedule_acknowledgement`).
_opened = threading.local()


def on_event(event: CaseEvent) -> None:
    """Called by `events.record_all()` inside the service's transaction."""
    if event.kind == EventKind.RECEIVED:
        _opened.case = event.case
    elif warrants_mail(event):
        queue_event_mail(event, new_key=True)  # the event is new: so is its key
    if event.kind != EventKind.RECEIVED:
        mail_watchers(event, public_news=warrants_mail(event))  # engineers watching (issue 18)


def queue_event_mail(event: CaseEvent, *, new_key: bool = False) -> OutboundMessage | None:
    """Queue the event's mail (its text is written at the first attempt: see the docstring)."""
    case = event.case
    # The reporter while active, and the colleagues who follow the case (issue 18).
    to = [case.contact.email] if case.contact.is_active else []
    to += follower_addresses(case)
    if not to:
        return None  # the reporting contact left; colleagues follow the case in the portal
    key = f"event:{event.pk}"
    return _queue_case_mail(case, key=key, kind=event.kind, body="", new_key=new_key, to=to)


def schedule_acknowledgement(
    case_id: int, in_reply_to: str, references: Sequence[str], refused: Sequence[Sequence[Any]]
) -> OutboundMessage | None:
    """Mail intake's acknowledgement, written and queued in intake's transaction.

    Intake passes the id of the case it has just opened; that case is the instance its RECEIVED
    event carried, complete (its SLA fields go in with its INSERT), so it is taken from there
    rather than read back: this runs for every message on intake's hot path. Its key is new
    then too (the case is), so the insert needs no savepoint.
    """
    opened = getattr(_opened, "case", None)
    _opened.case = None
    if opened is not None and opened.pk == case_id:
        case, new = opened, True
    else:  # a task queued by an older casedesk, after the commit
        # The terms' text is parsed once per version and cached: not fetched again.
        case = (
            Case.objects.select_related("contact", "terms_version")
            .defer("terms_version__text")
            .get(pk=case_id)
        )
        new = False
    return _queue_case_mail(
        case,
        key=f"ack:{case_id}",
        kind="ack",
        body=acknowledgement_body(case, refused),
        in_reply_to=in_reply_to,
        references=references,
        auto_submitted="auto-replied",
        new_key=new,
        threaded=not new,  # a case opened just now has no mail to thread under yet
        # No task row per acknowledgement on intake's hot path: `casedesk worker` looks at
        # the outbox's due mail every second and sends it from there.
        nudge=not outbox.worker_polls(),
    )


def schedule_notice(**spec: Any) -> OutboundMessage | None:
    """A one-off notice (unverified sender, refusal, refused attachments), queued now."""
    case_id = spec.get("case_id")
    case = Case.objects.filter(pk=case_id).first() if case_id else None
    body = spec["body"]
    if case is not None:
        body = f"{body.rstrip()}\n\n{_case_link(case)}"
    return outbox.enqueue(
        to=spec["to"],
        subject=spec["subject"],
        body=body,
        kind=spec.get("kind", ""),
        now=clock.now(),
        case_id=case.id if case is not None else None,
        tracking_number=case.tracking_number if case is not None else "",
        reply_token=make_token(case.id) if case is not None else None,
        in_reply_to=spec.get("in_reply_to", ""),
        references=spec.get("references", []),
        auto_submitted="auto-replied",
    )


def _queue_case_mail(
    case: Case,
    *,
    key: str,
    kind: str,
    body: str,
    in_reply_to: str = "",
    references: Sequence[str] = (),
    auto_submitted: str = "",
    new_key: bool = False,
    nudge: bool = True,
    to: Sequence[str] = (),
    threaded: bool = True,
) -> OutboundMessage | None:
    if not in_reply_to and threaded:
        in_reply_to, references = thread_headers(case)
    return outbox.enqueue(
        to=list(to) or [case.contact.email],
        subject=f"[{case.tracking_number}] {case.subject}",
        body=body,
        kind=kind,
        key=key,
        now=clock.now(),
        case_id=case.id,
        tracking_number=case.tracking_number,
        reply_token=make_token(case.id),
        in_reply_to=in_reply_to,
        references=references,
        auto_submitted=auto_submitted,
        new_key=new_key,
        nudge=nudge,
    )


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


def _case_link(case: Case) -> str:
    return f"Follow the case in the portal: {portal_case_url(case.tracking_number)}\n"


def _footer(case: Case) -> str:
    return f"\n{_case_link(case)}{REPLY_LINE}\n"


# --- event mail ---------------------------------------------------------------------------------


def write_event_mail(record: OutboundMessage) -> str:
    """The outbox's renderer for "event:<id>" keys."""
    event_id = int((record.key or "").removeprefix("event:"))
    event = (
        CaseEvent.objects.select_related("case__contact", "case__terms_version")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        raise outbox.PermanentFailure(f"event {event_id} no longer exists")
    return render_event(event) + _footer(event.case)


outbox.RENDERERS["event"] = write_event_mail


def render_event(event: CaseEvent) -> str:
    case, data = event.case, event.data or {}
    number = case.tracking_number
    reason = f"\nReason: {event.reason}\n" if event.reason else ""
    if event.kind in after_wording.KINDS:
        return after_wording.render(event)
    if event.kind == EventKind.REPLIED:
        files = [a.name for a in event.attachments.all()]
        listed = "".join(f"\n  - {name}" for name in files)
        extra = f"\n\nFiles attached (download them from the portal):{listed}" if files else ""
        return f"{event.actor_label} wrote on case {number}:\n\n{event.body}{extra}\n"
    if event.kind == EventKind.SEVERITY_CHANGED:
        return (
            f"Case {number} changed from Severity {data.get('from')} to Severity "
            f"{data.get('to')}.\n{reason}{_deadline_after(event)}"
        )
    if event.kind == EventKind.SEVERITY_DECLINED:
        return (
            f"Your request for Severity {data.get('requested')} on case {number} was declined; "
            f"the case stays at Severity {data.get('kept', case.severity)}.\n{reason}"
        )
    if event.kind == EventKind.STATUS_CHANGED:
        label = Status(data["to"]).label.lower()
        return f"Case {number} is now {label}.\n{reason}"
    if event.kind == EventKind.MERGED:
        return (
            f"Case {data.get('source')} ({data.get('subject')}) reports the same problem as "
            f"case {number}, so it was merged into {number}: its messages and files are part "
            f"of case {number} now, and the work goes on here.\n"
        )
    if event.kind == EventKind.EXCLUDED:
        return (
            f"Case {number} was closed as out of scope under exclusion ({data.get('code')}) of "
            f"your support terms:\n\n  {data.get('exclusion', '')}\n{reason}"
        )
    return f"The emergency patch for case {number} was delivered:\n\n{event.body}\n"


def _deadline_after(event: CaseEvent) -> str:
    """The response deadline as the event left it (the case's own field is updated later)."""
    case = event.case
    upto = case.events.filter(Q(at__lt=event.at) | Q(at=event.at, pk__lte=event.pk))
    history = replay(case, upto)
    if history.first_response is not None:
        return ""
    return _deadline_line(history.deadline, case.contact.time_zone)


def _deadline_line(deadline: dt.datetime | None, tz: str) -> str:
    if deadline is None:
        return "First response: no deadline — reasonable efforts.\n"
    return f"First response due by: {fmt(deadline, tz)}\n"


# --- the acknowledgement ------------------------------------------------------------------------


def acknowledgement_body(case: Case, refused: Sequence[Sequence[Any]]) -> str:
    """The case as it is now (call when it is accepted), in words a customer reads."""
    terms = case.terms_version.terms
    requested = case.requested_severity
    lines = [
        f"Hello,\n\nYour request is case {case.tracking_number}: {case.subject}\n",
        f"Support level: {level_words(terms, case.level)}",
        f"Accepted at: {severity_words(terms, case.severity)}",
    ]
    if requested and requested != case.severity:
        lines.append(
            f"You asked for: {severity_words(terms, requested)} "
            "A support engineer will confirm or decline it."
        )
    lines.append(_deadline_line(case.response_deadline, case.contact.time_zone))
    clocks = request_clocks(case, clock.now(), case.contact.time_zone, just_opened=True)
    if clocks is not None:
        lines.append("\n".join(clocks.lines) + "\n")
    if refused:
        lines.append(refused_text(refused))
    lines.append("How the deadline was worked out:\n")
    lines.append(receipt_explanation(case, case.contact.time_zone))
    lines.append(_footer(case).lstrip("\n"))
    return "\n".join(x for x in lines if x)


def refused_text(refused: Sequence[Sequence[Any]]) -> str:
    names = "\n".join(f"  - {name} ({human_size(int(size))})" for name, size in refused)
    return (
        f"These attachments are larger than the limit of {human_size(_limit())} "
        f"per file and were not added to the case:\n{names}\n"
        "Compress or split them and send them again.\n"
    )


def human_size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def _limit() -> int:
    return int(settings.CASEDESK_MAX_ATTACHMENT_BYTES)
