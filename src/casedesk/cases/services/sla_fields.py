"""The SLA fields stored on a case, derived from its events and its terms.

Every service that writes an event which can move the deadline calls `refresh_sla`, and
`casedesk sla verify` calls `derive` (`cases.deadlines`) to check the stored fields: one rule,
two uses. Each store sends `signals.sla_changed`, the hook the SLA watch follows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from casedesk.cases.deadlines import SlaFields, derive, drift
from casedesk.cases.models import Case, CaseEvent
from casedesk.cases.signals import sla_changed

# The derivation lives in `cases.deadlines` (read-only); `derive` and `drift` are re-exported.
__all__ = [
    "Recomputed",
    "SlaFields",
    "derive",
    "drift",
    "recompute",
    "refresh_sla",
    "set_new_case_sla",
    "watch_new_case",
]


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
