"""Cases as API bodies. Contacts see public events and files only; engineers see everything."""

from __future__ import annotations

import datetime as dt
from typing import Any

from casedesk.cases import after_presenters, presenters
from casedesk.cases import services as cs
from casedesk.cases.models import Attachment, Case, PatchRequest
from casedesk.cases.request_clocks import request_clocks
from casedesk.terms import sla
from casedesk.terms.effort_clock import effort_rule, update_rule


def utc(t: dt.datetime | None) -> dt.datetime | None:
    return t.astimezone(dt.UTC) if t is not None else None


def attachment(file: Attachment) -> dict[str, Any]:
    return {
        "id": file.pk,
        "name": file.name,
        "content_type": file.content_type,
        "size": file.size,
        "public": file.public,
        "uploaded_at": utc(file.uploaded_at),
        "url": f"/api/cases/{file.case.tracking_number}/attachments/{file.pk}",
    }


def case_row(case: Case, *, internal: bool) -> dict[str, Any]:
    """One list line; needs `contact`, `customer` and `assignee` selected with the case."""
    return {
        "ref": case.tracking_number,
        "subject": case.subject,
        "status": case.status,
        "severity": case.severity,
        "requested_severity": case.requested_severity,
        "severity_request": case.severity_request or None,
        "channel": case.channel,
        "customer": case.customer.slug,
        "contact": case.contact.name,
        "assignee": case.assignee.get_username() if internal and case.assignee else None,
        "received_at": utc(case.received_at),
        "updated_at": utc(case.updated_at),
        "response_deadline": utc(case.response_deadline),
        "first_response_at": utc(case.first_response_at),
        "kind": case.kind,
        "environment": case.environment,
        "resolution": case.resolution or None,
    }


def sla_block(
    case: Case, tz: str, now: dt.datetime, history: presenters.History | None = None
) -> dict[str, Any]:
    """The case page's SLA panel, in machine form; the explanation lines are the same."""
    panel = presenters.sla_panel(case, tz, now, history)
    terms = case.terms_version.terms
    outcome = sla.response_outcome(
        terms, case.level, case.response_deadline, case.first_response_at, now
    )
    return {
        "deadline": utc(case.response_deadline),
        "clock": terms.level(case.level).target(case.severity).clock,
        "target": panel.target,
        "outcome": outcome.status,
        "first_response_at": utc(case.first_response_at),
        "late_by": panel.late_by or None,
        "explanation": panel.explanation,
    }


def effort_block(case: Case, *, internal: bool, now: dt.datetime) -> dict[str, Any]:
    """Effort and update state; the quiet fields are the vendor's business, not the customer's."""
    terms = case.terms_version.terms
    rule = effort_rule(terms, case.level, case.severity)
    updates = update_rule(terms, case.level, case.severity)
    due = case.update_due_at
    return {
        "clock": rule.counting,
        "interval": str(rule.target) if rule.interval is not None else None,
        "last_activity_at": utc(case.last_activity_at) if internal else None,
        "quiet_at": utc(case.quiet_at) if internal else None,
        "quiet": (case.quiet_at is not None and case.quiet_at <= now) if internal else None,
        "update_target": str(updates.target) if updates else None,
        "update_due_at": utc(due),
        "update_late": due < now if due else None,
    }


def patch(patch: PatchRequest) -> dict[str, Any]:
    return {
        "id": patch.pk,
        "state": patch.state,
        "summary": patch.summary,
        "requested_at": utc(patch.requested_at),
        "delivered_at": utc(patch.delivered_at),
        "delivery_note": patch.delivery_note,
    }


def _event(entry: presenters.Entry, case: Case) -> dict[str, Any]:
    event = entry.event
    files = []
    for file in entry.attachments:
        file.case = case  # the URL needs the tracking number; spare a query per file
        files.append(attachment(file))
    return {
        "id": event.pk,
        "kind": event.kind,
        "at": utc(event.at),
        "actor": event.actor_label,
        "summary": entry.summary,
        "body": event.body,
        "reason": event.reason,
        "public": event.public,
        "attachments": files,
    }


def case_detail(
    case: Case,
    *,
    internal: bool,
    tz: str,
    now: dt.datetime,
    history: presenters.History | None = None,
) -> dict[str, Any]:
    """The whole case. `history`: what the service just wrote, for a case opened in this
    request, so nothing is read back; without it the events and patches are read."""
    terms = case.terms_version.terms
    code = case.exclusion_code
    entries = presenters.timeline(case, tz, internal=internal, history=history)
    patches = history.patches if history else case.patch_requests.order_by("requested_at", "id")
    return {
        **case_row(case, internal=internal),
        "description": case.description,
        "level": terms.level(case.level).name,
        "product": case.product,
        "version": case.version,
        "version_flag": (case.version_exclusion or None) if internal else None,
        "closed_at": utc(case.closed_at),
        "exclusion": {"code": code, "text": terms.exclusions.get(code, "")} if code else None,
        "follows": case.follows.tracking_number if case.follows_id else None,  # type: ignore[union-attr]
        "sla": sla_block(case, tz, now, history),
        "effort": effort_block(case, internal=internal, now=now),
        "timeline": [_event(e, case) for e in entries],
        "patches": [patch(p) for p in patches],
        "request_clocks": request_clocks_block(case, tz, now, history),
        **after_response(case, internal=internal),
    }


def request_clocks_block(
    case: Case, tz: str, now: dt.datetime, history: presenters.History | None
) -> dict[str, Any] | None:
    """Issue 17: a pending severity request's two clocks (None when no request is pending)."""
    clocks = request_clocks(case, now, tz, history.events if history is not None else None)
    if clocks is None:
        return None
    return {
        "severity": clocks.severity,
        "deadline": utc(clocks.deadline),
        "requested": clocks.requested,
        "requested_target": clocks.requested_target,
        "deadline_if_confirmed_now": utc(clocks.if_confirmed_now),
        "pages_on_duty": clocks.pages,
        "text": clocks.lines,
    }


def after_response(case: Case, *, internal: bool) -> dict[str, Any]:
    """Issue 16: what the customer must send, how the case was resolved, the environment flag."""
    request = cs.open_request(case)
    release = case.resolution_release
    resolved = {
        "how": case.resolution,
        "text": after_presenters.resolution(case),
        "release": f"{release.product} {release.version}" if release else None,
        "release_ga_on": release.ga_on if release else None,
        "duplicate_of": case.duplicate_of.tracking_number if case.duplicate_of else None,
        "patch": case.resolution_patch_id,
    }
    return {
        "needed": request.items if request else None,
        "resolved": resolved if case.resolution else None,
        "environment_flag": after_presenters.environment_flag(case) if internal else None,
    }
