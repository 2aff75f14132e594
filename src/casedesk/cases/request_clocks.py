"""Both clocks of a pending severity request, in one set of words for the portal, the API and
the acknowledgement mail: the deadline the case runs on now, and the one it would run on if an
engineer confirmed the request (DESIGN §1: a judgement from the confirmation)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from casedesk.cases.deadlines import replay
from casedesk.cases.explain import fmt
from casedesk.cases.models import Case, CaseEvent, SeverityRequest
from casedesk.terms import sla
from casedesk.terms.paging import pages_on_duty


@dataclass(frozen=True)
class RequestClocks:
    severity: int
    deadline: dt.datetime | None  # the response deadline now
    requested: int
    requested_target: str  # "1 hour", "reasonable efforts"
    if_confirmed_now: dt.datetime | None  # the deadline a confirmation at `now` would set
    responded: bool  # the first response was given: the response deadline is settled
    pages: bool  # the request pages the on-duty engineer
    text: str
    paging_text: str

    @property
    def lines(self) -> list[str]:
        return [self.text, self.paging_text] if self.paging_text else [self.text]


def _judgements(
    case: Case, events: Iterable[CaseEvent] | None, just_opened: bool
) -> tuple[tuple[sla.Judgement, ...], dt.datetime | None]:
    """(the case's judgements, its first response) from its events (DESIGN's rule, `replay`)."""
    if just_opened:  # as received: its severity from receipt, nothing to read
        return sla.first_judgement(case.severity, case.received_at), None
    history = replay(case, case.events.all() if events is None else events)
    if history.steps:
        return history.steps[-1].judgements, history.first_response
    first = sla.first_judgement(history.initial_severity, case.received_at)
    return first, history.first_response


def request_clocks(
    case: Case,
    now: dt.datetime,
    tz: str,
    events: Iterable[CaseEvent] | None = None,
    *,
    just_opened: bool = False,
) -> RequestClocks | None:
    """None unless a severity request is pending. `events`: the case's events when the caller
    has them, else they are read; `just_opened`: a case being acknowledged (no events read)."""
    requested = case.requested_severity
    if case.severity_request != SeverityRequest.PENDING or requested is None:
        return None
    terms = case.terms_version.terms
    judgements, first_response = _judgements(case, events, just_opened)
    judged = sla.judge(
        terms, case.level, judgements, requested, now, first_response_at=first_response
    )
    target = terms.level(case.level).target(requested)
    responded = first_response is not None
    clocks = RequestClocks(
        case.severity,
        case.response_deadline,
        requested,
        str(target),
        None if responded else judged.deadline,
        responded,
        pages_on_duty(terms, case.level, requested),
        "",
        "",
    )
    paging = (
        f"On your {terms.level(case.level).name} level a Severity {requested} request pages the "
        "on-duty engineer now, before it is confirmed."
        if clocks.pages
        else ""
    )
    return replace(clocks, text=_text(clocks, tz, target.has_deadline), paging_text=paging)


def _text(c: RequestClocks, tz: str, has_target: bool) -> str:
    if c.responded:
        return (
            f"Severity {c.severity} now: the first response was given; if an engineer confirms "
            f"Severity {c.requested}, it applies from confirmation (target {c.requested_target})."
        )
    now_due = f"due {fmt(c.deadline, tz)}" if c.deadline else "no deadline (reasonable efforts)"
    then = (
        f"due {c.requested_target} from confirmation"
        if has_target
        else "no deadline of its own (reasonable efforts)"
    )
    if c.if_confirmed_now is not None:
        then += f" ({fmt(c.if_confirmed_now, tz)} if confirmed now)"
    return f"Severity {c.severity} now: {now_due}; if an engineer confirms Severity {c.requested}: {then}."
