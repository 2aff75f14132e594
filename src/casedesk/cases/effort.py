"""Effort after the first response, derived from a case's events like the response SLA.

Read-only, beside `cases.deadlines`: `cases.services.effort_fields` stores what `derive_effort`
says, `casedesk sla verify` compares it with what is stored, and the case page, `sla explain`
and the reports render `history`'s gaps. Engineer activity (DESIGN.md §1): a public reply, an
internal note, a status change by an engineer, patch delivery. The effort clock starts at the
first response and does not run while the case waits on the customer or is resolved or closed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from casedesk.cases.deadlines import counts_as_response
from casedesk.cases.models import DONE_STATUSES, Case, CaseEvent, EventKind, Status
from casedesk.cases.waiting import new_status, status_changes, waiting_periods
from casedesk.terms.effort_clock import EffortRule, Gap, Pause, due, effort_rule, gaps, update_rule

# Engineer activity: a public reply, an internal note, a status change (asking the customer and
# resolving are status changes too), patch delivery.
ACTIVITY_KINDS = frozenset(
    {
        EventKind.REPLIED,
        EventKind.NOTE,
        EventKind.STATUS_CHANGED,
        EventKind.PATCH_DELIVERED,
        EventKind.INFO_REQUESTED,
        EventKind.RESOLVED,
    }
)
# The effort clock also stands still while nothing is owed: resolved, closed, out of scope, or
# fix scheduled (the release brings the fix; Terms: Sev 3 "in time for an upcoming release").
STOPPED = frozenset({*DONE_STATUSES, Status.FIX_SCHEDULED})


def is_activity(event: CaseEvent) -> bool:
    if event.kind not in ACTIVITY_KINDS or event.data.get("automatic"):
        return False
    # A change casedesk made itself (no actor: automatic resolution) is not an engineer at work.
    return event.actor_id is not None or event.kind in (EventKind.REPLIED, EventKind.NOTE)


def is_relevant(event: CaseEvent) -> bool:
    """Can this event move the stored effort fields? Activity, a status change, a re-rating."""
    return (
        event.kind in ACTIVITY_KINDS
        or event.kind == EventKind.SEVERITY_CHANGED
        or new_status(event) is not None
    )


def stopped_periods(events: Iterable[CaseEvent]) -> list[Pause]:
    """When the case was resolved, closed or fix scheduled, until a change reopened it."""
    out: list[Pause] = []
    since: dt.datetime | None = None
    for at, status in status_changes(events):
        if status in STOPPED and since is None:
            since = at
        elif status not in STOPPED and since is not None:
            out.append((since, at))
            since = None
    return [*out, (since, None)] if since is not None else out


@dataclass(frozen=True)
class EffortFields:
    last_activity_at: dt.datetime | None
    quiet_at: dt.datetime | None
    update_due_at: dt.datetime | None

    FIELDS = ("last_activity_at", "quiet_at", "update_due_at")


@dataclass(frozen=True)
class EffortHistory:
    severity: int
    rule: EffortRule
    update_rule: EffortRule | None
    first_response: dt.datetime | None
    activity: tuple[CaseEvent, ...]  # from the first response on, the response included
    updates: tuple[dt.datetime, ...]  # public replies from the first response on
    waiting: tuple[Pause, ...]
    done: tuple[Pause, ...]  # resolved, closed or fix scheduled

    @property
    def pauses(self) -> tuple[Pause, ...]:
        """When the effort clock stands still: waiting on the customer, resolved or closed."""
        return tuple(sorted((*self.waiting, *self.done), key=lambda p: p[0]))

    @property
    def is_open(self) -> bool:
        return not self.done or self.done[-1][1] is not None

    def gaps(self, until: dt.datetime) -> list[Gap]:
        marks = [e.at for e in self.activity]
        return gaps(self.rule, marks, self._end(until), self.pauses)

    def update_gaps(self, until: dt.datetime) -> list[Gap]:
        if self.update_rule is None:
            return []
        return gaps(self.update_rule, list(self.updates), self._end(until), self.pauses)

    def _end(self, until: dt.datetime) -> dt.datetime:
        """Gaps end at `until` (now) or when the case was last resolved or closed."""
        return until if self.is_open else min(until, self.done[-1][0])


def _severity(events: list[CaseEvent]) -> int:
    severity = 4
    for event in events:
        if event.kind == EventKind.RECEIVED:
            severity = int(event.data["severity"])
        elif event.kind == EventKind.SEVERITY_CHANGED:
            severity = int(event.data["to"])
    return severity


def history(case: Case, events: Iterable[CaseEvent]) -> EffortHistory:
    terms = case.terms_version.terms
    ordered = sorted(events, key=lambda e: (e.at, e.id or 0))
    severity = _severity(ordered)
    first = next((e for e in ordered if counts_as_response(e)), None)
    after = [
        e for e in ordered if first is not None and (e.at, e.id or 0) >= (first.at, first.id or 0)
    ]
    return EffortHistory(
        severity=severity,
        rule=effort_rule(terms, case.level, severity),
        update_rule=update_rule(terms, case.level, severity),
        first_response=first.at if first else None,
        activity=tuple(e for e in after if is_activity(e)),
        updates=tuple(e.at for e in after if counts_as_response(e)),
        waiting=tuple((p.start, p.end) for p in waiting_periods(ordered)),
        done=tuple(stopped_periods(ordered)),
    )


def derive_effort(case: Case, events: Iterable[CaseEvent]) -> EffortFields:
    h = history(case, events)
    if h.first_response is None:
        return EffortFields(None, None, None)
    last = h.activity[-1].at
    quiet = due(h.rule, last, h.pauses)
    update = due(h.update_rule, h.updates[-1], h.pauses) if h.update_rule else None
    return EffortFields(last, quiet, update)


def effort_drift(case: Case, events: Iterable[CaseEvent]) -> dict[str, tuple[object, object]]:
    """Stored vs derived values for every effort field that differs."""
    fields = derive_effort(case, events)
    return {
        name: (getattr(case, name), getattr(fields, name))
        for name in EffortFields.FIELDS
        if getattr(case, name) != getattr(fields, name)
    }
