"""Timeline lines for linking and merging (issue 18), in words rather than event keys."""

from __future__ import annotations

from casedesk.cases.models import CaseEvent, CaseLink, EventKind


def link_summary(event: CaseEvent) -> str | None:
    """The timeline's line for a link or merge event; None for any other event."""
    d = event.data or {}
    if event.kind == EventKind.LINKED:
        kind = d.get("link", "")
        label = CaseLink.Kind(kind).label.lower() if kind in CaseLink.Kind.values else kind
        return f"Linked to {d.get('other')} ({label})"
    if event.kind == EventKind.UNLINKED:
        return f"Link to {d.get('other')} removed"
    if event.kind == EventKind.MERGED:
        return f"Merged from {d.get('source')} ({d.get('subject')})"
    if event.kind == EventKind.QUOTA_REFUNDED:
        return f"Incident refunded to the quota ({d.get('quota')})"
    if event.kind == EventKind.RESOLVED and d.get("merged_into"):
        return f"Merged into {d['merged_into']} and closed as its duplicate"
    return None
