"""The fields issue 16 stores on a case, derived from its events (read-only, like
`cases.deadlines`): `casedesk sla verify` compares them and `sla recompute` stores them.
Events are the truth; the stored fields are a cache for queries."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from casedesk.cases.models import Case, CaseEvent, EventKind, Status
from casedesk.cases.waiting import new_status

# A case back at work no longer has a resolution.
AT_WORK = (Status.NEW, Status.TRIAGED, Status.WAITING)


def derive_after(case: Case, events: Iterable[CaseEvent]) -> dict[str, Any]:
    """kind, environment, resolution and what it links to, as the events say."""
    ordered = sorted(events, key=lambda e: (e.at, e.id or 0))
    fields: dict[str, Any] = {"kind": "unknown", "environment": "unknown"}
    fields.update(_no_resolution())
    for event in ordered:
        data = event.data or {}
        if event.kind == EventKind.RECEIVED:
            fields["kind"] = data.get("case_kind") or "unknown"
            fields["environment"] = data.get("environment") or "unknown"
        elif event.kind == EventKind.CLASSIFIED:
            fields["kind"] = data.get("case_kind", [None, fields["kind"]])[1]
            fields["environment"] = data.get("environment", [None, fields["environment"]])[1]
        elif event.kind == EventKind.RESOLVED:
            fields.update(
                resolution=data.get("how", ""),
                resolution_release_id=data.get("release_id"),
                resolution_patch_id=data.get("patch"),
                duplicate_of=data.get("duplicate_of"),
            )
        elif event.kind == EventKind.EXCLUDED:
            fields.update(_no_resolution(), resolution="excluded")
        elif new_status(event) in AT_WORK:
            fields.update(_no_resolution())
    return fields


def _no_resolution() -> dict[str, Any]:
    return {
        "resolution": "",
        "resolution_release_id": None,
        "resolution_patch_id": None,
        "duplicate_of": None,
    }


def stored_after(case: Case) -> dict[str, Any]:
    return {
        "kind": case.kind,
        "environment": case.environment,
        "resolution": case.resolution,
        "resolution_release_id": case.resolution_release_id,
        "resolution_patch_id": case.resolution_patch_id,
        "duplicate_of": case.duplicate_of.tracking_number if case.duplicate_of_id else None,  # type: ignore[union-attr]
    }


def after_drift(case: Case, events: Iterable[CaseEvent]) -> dict[str, tuple[object, object]]:
    """Stored vs derived for every issue-16 field that differs."""
    derived, stored = derive_after(case, events), stored_after(case)
    return {k: (stored[k], derived[k]) for k in derived if stored[k] != derived[k]}
