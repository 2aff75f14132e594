"""The effort fields stored on a case (cases.effort), kept current as events are recorded.

`events.record_all` calls `after_events` for every batch it stores: only events that can move
the fields (activity, status changes, severity changes) cost a read of the case's history.
`casedesk sla verify` checks the same derivation; `recompute_effort` stores it after drift.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from casedesk.cases.effort import EffortFields, derive_effort, is_relevant
from casedesk.cases.models import Case, CaseEvent
from casedesk.cases.signals import effort_changed


def after_events(events: Sequence[CaseEvent]) -> None:
    relevant = [e for e in events if is_relevant(e)]
    if relevant:
        refresh_effort(relevant[-1].case)


def _changes(case: Case, fields: EffortFields) -> dict[str, object]:
    return {
        name: getattr(fields, name)
        for name in EffortFields.FIELDS
        if getattr(case, name) != getattr(fields, name)
    }


def refresh_effort(case: Case) -> dict[str, object]:
    """Store what the events say; returns the fields that changed (stored values before)."""
    changed = _changes(case, derive_effort(case, case.events.all()))
    if not changed:
        return {}
    before = {name: getattr(case, name) for name in changed}
    # An UPDATE of these columns only: the calling service saves its own fields afterwards.
    Case.objects.filter(pk=case.pk).update(**changed)
    for name, value in changed.items():
        setattr(case, name, value)
    effort_changed.send(Case, case=case)
    return before


def recompute_effort(case_id: int) -> tuple[Case, dict[str, object]] | None:
    """Under the case's lock, store the effort fields its events say; None when none changed."""
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("terms_version")
            .get(pk=case_id)
        )
        before = refresh_effort(case)
    return (case, before) if before else None
