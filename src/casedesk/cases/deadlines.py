"""The SLA fields a case's events imply: DESIGN's severity-change rule replayed over the log.

Read-only: `cases.services.sla_fields` stores what this derives, `casedesk sla verify` compares
it with what is stored, and the explanations (`cases.explain`) and mails render its steps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from casedesk.cases.models import Case, CaseEvent, EventKind, Outcome
from casedesk.terms import sla


@dataclass(frozen=True)
class SlaFields:
    response_deadline: dt.datetime | None
    first_response_at: dt.datetime | None
    response_outcome: str
    lowered_before_response: bool

    FIELDS = (
        "response_deadline",
        "first_response_at",
        "response_outcome",
        "lowered_before_response",
    )


def counts_as_response(event: CaseEvent) -> bool:
    """Terms: the first public reply by a support engineer; auto-acknowledgements do not count."""
    return event.kind == EventKind.REPLIED and event.public and not event.data.get("automatic")


@dataclass(frozen=True)
class SeverityStep:
    """One severity change and what it did to the response deadline."""

    event: CaseEvent
    old: int
    new: int
    before: dt.datetime | None
    after: dt.datetime | None
    effect: sla.ChangeEffect
    judgements: tuple[sla.Judgement, ...]  # after the change

    @property
    def after_first_response(self) -> bool:
        return self.effect == "final"


@dataclass(frozen=True)
class Replay:
    initial_severity: int
    initial_deadline: dt.datetime | None
    steps: tuple[SeverityStep, ...]
    deadline: dt.datetime | None
    first_response: dt.datetime | None


def replay(case: Case, events: Iterable[CaseEvent]) -> Replay:
    """Walk the events in order, applying DESIGN's severity-change rule (`sla.judge`)."""
    terms = case.terms_version.terms
    events = sorted(events, key=lambda e: (e.at, e.id or 0))
    received = next(e for e in events if e.kind == EventKind.RECEIVED)
    initial = int(received.data["severity"])
    judgements = sla.first_judgement(initial, case.received_at)
    deadline = first_deadline = sla.judged_deadline(terms, case.level, judgements)
    first_response: dt.datetime | None = None
    steps = []
    for event in events:
        if event.kind == EventKind.SEVERITY_CHANGED:
            old, new = int(event.data["from"]), int(event.data["to"])
            judged = sla.judge(
                terms, case.level, judgements, new, event.at, first_response_at=first_response
            )
            steps.append(
                SeverityStep(
                    event, old, new, deadline, judged.deadline, judged.effect, judged.judgements
                )
            )
            judgements, deadline = judged.judgements, judged.deadline
        elif first_response is None and counts_as_response(event):
            first_response = event.at
    return Replay(initial, first_deadline, tuple(steps), deadline, first_response)


def derive(case: Case, events: Iterable[CaseEvent]) -> SlaFields:
    r = replay(case, events)
    lowered = any(s.effect == "lowered" for s in r.steps)
    return SlaFields(r.deadline, r.first_response, _outcome(r.deadline, r.first_response), lowered)


def _outcome(deadline: dt.datetime | None, first_response: dt.datetime | None) -> str:
    if deadline is None:
        return Outcome.NO_TARGET
    if first_response is None:
        return Outcome.PENDING
    return Outcome.MET if first_response <= deadline else Outcome.BREACHED


def drift(case: Case, events: Iterable[CaseEvent]) -> dict[str, tuple[object, object]]:
    """Stored vs derived values for every SLA field that differs."""
    fields = derive(case, events)
    return {
        name: (getattr(case, name), getattr(fields, name))
        for name in SlaFields.FIELDS
        if getattr(case, name) != getattr(fields, name)
    }
