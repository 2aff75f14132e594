"""What `casedesk sla explain` says about a merge (issue 18): each case keeps its own SLA
history, so the explanation only adds where the work went, or came from."""

from __future__ import annotations

from collections.abc import Iterable

from casedesk.cases.explain import fmt
from casedesk.cases.models import CaseEvent, EventKind


def merge_lines(events: Iterable[CaseEvent], tz: str) -> list[str]:
    lines = []
    for event in events:
        data = event.data or {}
        when = f"{fmt(event.at, tz)} by {event.actor_label}"
        if event.kind == EventKind.RESOLVED and data.get("merged_into"):
            into = data["merged_into"]
            lines.append(
                f"Merged into {into} on {when}: closed as its duplicate. The deadline and the "
                f"outcome above are this case's own, as recorded; the work goes on in {into}."
            )
        elif event.kind == EventKind.MERGED and event.public:
            lines.append(
                f"{data.get('source')} was merged into this case on {when}; its messages were "
                "copied here. A merge is not a response: this case's deadline did not change."
            )
    return ["", *lines] if lines else []
