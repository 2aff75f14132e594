"""The SLA fields stored on a case, derived from its events and its terms.

Every service that writes an event which can move the deadline calls `refresh_sla`, and
`casedesk sla verify` calls `derive` to check the stored fields: one rule, two uses. Each store
sends `signals.sla_changed`, the hook the SLA watch follows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction

from casedesk.cases.models import Case, CaseEvent, EventKind, Outcome
from casedesk.cases.signals import sla_changed
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


def refresh_sla(case: Case) -> SlaFields:
    fields = derive(case, case.events.all())
    _assign(case, fields)
    case.save(update_fields=[*SlaFields.FIELDS, "updated_at"])
    sla_changed.send(Case, case=case, new=False)
    return fields


def set_new_case_sla(case: Case, events: Sequence[CaseEvent]) -> SlaFields:
    """The SLA fields of a case not yet inserted, from the events it opens with: the INSERT
    stores them, so nothing is read back or updated. `watch_new_case` follows the INSERT."""
    fields = derive(case, events)
    _assign(case, fields)
    return fields


def watch_new_case(case: Case) -> None:
    """`refresh_sla`'s hook for a case inserted in this transaction."""
    sla_changed.send(Case, case=case, new=True)


def _assign(case: Case, fields: SlaFields) -> None:
    for name in SlaFields.FIELDS:
        setattr(case, name, getattr(fields, name))


@dataclass(frozen=True)
class Recomputed:
    case: Case
    before: dict[str, object]  # the stored values that differed from the events
    after: SlaFields


def recompute(case_id: int) -> Recomputed | None:
    """Store the SLA fields the events say, under the case's lock; None when nothing changed.

    The events are the truth and the stored fields are derived: this is how a rule change
    (or any drift `sla verify` reports) is applied to existing cases.
    """
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("terms_version")
            .get(pk=case_id)
        )
        fields = derive(case, case.events.all())
        before = {
            name: getattr(case, name)
            for name in SlaFields.FIELDS
            if getattr(case, name) != getattr(fields, name)
        }
        if not before:
            return None
        _assign(case, fields)
        case.save(update_fields=list(before))
        sla_changed.send(Case, case=case, new=False)
    return Recomputed(case, before, fields)


def drift(case: Case, events: Iterable[CaseEvent]) -> dict[str, tuple[object, object]]:
    """Stored vs derived values for every SLA field that differs."""
    fields = derive(case, events)
    return {
        name: (getattr(case, name), getattr(fields, name))
        for name in SlaFields.FIELDS
        if getattr(case, name) != getattr(fields, name)
    }
