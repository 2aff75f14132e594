"""What a case's effort watch expects next: the quiet warning at the interval, its escalation at
twice the interval, and the update-target warning (DESIGN.md §1 "After the first response").

Derived from the case's events (cases.effort), so it can be recomputed at any time: `reschedule`
runs on the case services' `effort_changed` signal, and the sweep recomputes it under the case's
row lock before recording anything.
"""

from __future__ import annotations

import datetime as dt

from casedesk.cases.effort import EffortHistory, history
from casedesk.cases.models import Case
from casedesk.lib import clock
from casedesk.terms.effort_clock import due

from .models import AlertKind, EffortWatch
from .schedule import Planned, pending, recorded


def effort_plan(case: Case, h: EffortHistory | None = None) -> list[Planned]:
    """Every effort alert this case can still need. Quiet alerts belong to the last activity
    (their key), so new activity starts a new pair; an update warning to the update due."""
    if case.last_activity_at is None or not case.is_open:
        return []
    h = h or history(case, case.events.all())
    items = []
    if case.quiet_at is not None:
        key = case.last_activity_at
        items.append(Planned(AlertKind.QUIET, case.quiet_at, key, "assignee", 0))
        twice = due(h.rule, key, h.pauses, 2)
        if twice is not None:
            # "team" mails every engineer and manager: the escalation reaches both.
            items.append(Planned(AlertKind.QUIET_ESCALATED, twice, key, "team", 1))
    if case.update_due_at is not None:
        at = case.update_due_at
        items.append(Planned(AlertKind.UPDATE, at, at, "assignee", -1))
    return items


def next_due(case: Case, h: EffortHistory | None = None) -> Planned | None:
    upcoming = pending(effort_plan(case, h), recorded(case.pk))
    return min(upcoming, key=lambda p: p.at, default=None)


def reschedule(case: Case, now: dt.datetime | None = None) -> EffortWatch:
    """Store when the effort sweep next needs the case. Runs inside the caller's transaction."""
    first = next_due(case)
    values = {
        "next_at": first.at if first else None,
        "next_kind": first.kind if first else "",
        "updated_at": now or clock.now(),
    }
    watch, _ = EffortWatch.objects.update_or_create(case=case, defaults=values)
    return watch


def on_effort_changed(sender: type[Case], *, case: Case, **kwargs: object) -> None:
    """Receiver of `casedesk.cases.signals.effort_changed`."""
    reschedule(case)
