"""Read-only views of a case for the web pages: timeline entries and the SLA panel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from casedesk.cases.explain import explain_lines
from casedesk.cases.link_presenters import link_summary
from casedesk.cases.models import Attachment, Case, CaseEvent, EventKind, PatchRequest
from casedesk.cases.wording import outcome_words
from casedesk.lib.tz import local_text
from casedesk.terms import sla
from casedesk.terms.calendar import BusinessCalendar


def local(t: dt.datetime | None, tz: str) -> str:
    if t is None:
        return ""
    return local_text(t, tz)


def duration(delta: dt.timedelta) -> str:
    minutes = int(abs(delta.total_seconds()) // 60)
    days, rem = divmod(minutes, 24 * 60)
    hours, mins = divmod(rem, 60)
    parts = [f"{days} d"] if days else []
    if hours or days:
        parts.append(f"{hours} h")
    parts.append(f"{mins} min")
    return " ".join(parts)


def _summary(event: CaseEvent) -> str:
    d = event.data
    if linked := link_summary(event):
        return linked
    match event.kind:
        case EventKind.RECEIVED:
            return f"Opened via {d.get('channel', '')} at Severity {d.get('severity')}"
        case EventKind.SEVERITY_REQUESTED:
            return f"Asked for Severity {d.get('requested')} (currently {d.get('current')})"
        case EventKind.SEVERITY_CHANGED:
            answered = " (the customer's request, confirmed)" if d.get("request") else ""
            return f"Severity {d.get('from')} → {d.get('to')}{answered}"
        case EventKind.SEVERITY_DECLINED:
            return f"Request for Severity {d.get('requested')} declined; stays at {d.get('kept')}"
        case EventKind.STATUS_CHANGED:
            return f"Status {d.get('from')} → {d.get('to')}"
        case EventKind.EXCLUDED:
            return f"Closed as out of scope, exclusion ({d.get('code')}): {d.get('exclusion')}"
        case EventKind.QUOTA_REFUSED:
            return (
                f"Raise to Severity {d.get('requested')} refused: incident quota used up "
                f"({d.get('quota')})"
            )
        case EventKind.QUOTA_CHARGED | EventKind.QUOTA_OVERRIDDEN:
            return f"{EventKind(event.kind).label} ({d.get('quota')})"
        case EventKind.PATCH_REFUSED:
            return "Emergency patch refused"
        case EventKind.ASSIGNED if d.get("taken"):
            return f"Taken by {d.get('assignee')}"
        case EventKind.ASSIGNED if d.get("round_robin"):
            return f"Assigned to {d.get('assignee')} in turn within {d.get('round_robin')}"
        case EventKind.ASSIGNED:
            return f"Assigned to {d.get('assignee') or 'nobody'}"
        case EventKind.GROUPED:
            return (
                f"Moved to the group {d['group']}" if d.get("group") else "Taken out of its group"
            )
        case _:
            return EventKind(event.kind).label


CUSTOMER_KINDS = {
    EventKind.RECEIVED,
    EventKind.CUSTOMER_REPLIED,
    EventKind.SEVERITY_REQUESTED,
    EventKind.REOPENED,
}


@dataclass
class Entry:
    event: CaseEvent
    summary: str
    when: str
    css: str
    attachments: list = field(default_factory=list)


@dataclass(frozen=True)
class History:
    """What a service just wrote for a case (its events, files and patch requests, in order):
    a page for a case opened in this request is built from these instead of read back."""

    events: Sequence[CaseEvent]
    attachments: Sequence[Attachment] = ()
    patches: Sequence[PatchRequest] = ()


def timeline(case: Case, tz: str, *, internal: bool, history: History | None = None) -> list[Entry]:
    """The case history in order; customers never see internal events or files."""
    if history is None:
        events: Iterable[CaseEvent] = (
            case.events.select_related("actor").prefetch_related("attachments").order_by("at", "id")
        )
        return _entries(events, lambda e: e.attachments.all(), tz, internal)
    files = history.attachments
    return _entries(
        history.events, lambda e: [a for a in files if a.event_id == e.pk], tz, internal
    )


def _entries(
    events: Iterable[CaseEvent],
    files_of: Callable[[CaseEvent], Iterable[Attachment]],
    tz: str,
    internal: bool,
) -> list[Entry]:
    entries = []
    for event in events:
        if not event.public and not internal:
            continue
        by_customer = event.kind in CUSTOMER_KINDS
        css = "internal" if not event.public else ("customer" if by_customer else "agent")
        files = [a for a in files_of(event) if a.public or internal]
        entries.append(Entry(event, _summary(event), local(event.at, tz), css, files))
    return entries


@dataclass
class SlaPanel:
    status: str  # met, breached, pending, overdue, no_target
    deadline: str
    deadline_iso: str
    target: str
    explanation: list[str]
    first_response: str
    late_by: str
    opens_at: str  # when the vendor's day starts, for a business-hours plan out of hours

    @property
    def status_words(self) -> str:
        return outcome_words(self.status)

    @property
    def due_words(self) -> str:
        """The sentence the portal shows: when the first response is due, or that none is."""
        if not self.deadline_iso:
            return "No deadline — reasonable efforts."
        return f"Response due {self.deadline}."


def sla_panel(case: Case, tz: str, now: dt.datetime, history: History | None = None) -> SlaPanel:
    terms = case.terms_version.terms
    level = terms.level(case.level)
    outcome = sla.response_outcome(
        terms, case.level, case.response_deadline, case.first_response_at, now
    )
    opens = ""
    if level.business_hours_only:
        calendar = BusinessCalendar.from_terms(terms.calendar)
        if not calendar.is_open(now):
            opens = local(calendar.next_open(now), tz)
    return SlaPanel(
        status=outcome.status,
        deadline=local(case.response_deadline, tz) or "No deadline — reasonable efforts",
        deadline_iso=case.response_deadline.isoformat() if case.response_deadline else "",
        target=f"{level.name}, Severity {case.severity}: {level.target(case.severity)}",
        explanation=[line for line in _explanation(case, tz, history)[2:] if line.strip()],
        first_response=local(case.first_response_at, tz),
        late_by=duration(outcome.late_by) if outcome.late_by else "",
        opens_at=opens,
    )


def _explanation(case: Case, tz: str, history: History | None) -> list[str]:
    return explain_lines(case, tz, events=history.events if history is not None else None)
