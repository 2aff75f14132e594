"""`casedesk sla recompute` for issue 16's stored fields: store what the events say."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from casedesk.cases.after_fields import derive_after, stored_after
from casedesk.cases.models import Case


def recompute_after(case_id: int) -> dict[str, tuple[Any, Any]]:
    """Under the case's lock, store the kind, environment and resolution the events say;
    returns {field: (before, after)} for what changed (empty when nothing did)."""
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("duplicate_of")
            .get(pk=case_id)
        )
        derived, stored = derive_after(case, case.events.all()), stored_after(case)
        changed = {k: (stored[k], derived[k]) for k in derived if stored[k] != derived[k]}
        if not changed:
            return {}
        case.kind, case.environment = derived["kind"], derived["environment"]
        case.resolution = derived["resolution"]
        case.resolution_release_id = derived["resolution_release_id"]
        case.resolution_patch_id = derived["resolution_patch_id"]
        ref = derived["duplicate_of"]
        case.duplicate_of = Case.objects.filter(tracking_number=ref).first() if ref else None
        fields = ["kind", "environment", "resolution", "resolution_release", "resolution_patch"]
        case.save(update_fields=[*fields, "duplicate_of"])
    return changed
