"""A reply written while someone else replied: refused once, so the engineer reads it first."""

from __future__ import annotations

from typing import Any

from casedesk.cases.models import Case, CaseEvent, EventKind
from casedesk.lib.tz import local_text

from .errors import CaseError

REPLIES = (EventKind.REPLIED, EventKind.CUSTOMER_REPLIED)


def last_event_id(case: Case) -> int:
    """What the page shows: its reply form sends this back as the last event seen."""
    return case.events.order_by("-id").values_list("id", flat=True).first() or 0


def refuse_if_replied_since(user: Any, case: Case, seen_event_id: int | None) -> None:
    """Refuse when another public reply came after the page the reply was typed on.

    No id (an API client that does not send one, an old form): the reply goes through.
    `respond` runs this under the case's lock, so two replies at one instant cannot both pass.
    """
    if seen_event_id is None:
        return
    newer = (
        case.events.filter(pk__gt=seen_event_id, kind__in=REPLIES, public=True)
        .exclude(actor_id=user.pk)
        .order_by("-id")
        .first()
    )
    if newer is None:
        return
    tz = case.terms_version.terms.calendar.timezone
    raise CaseError(
        f"{_who(newer)} replied at {local_text(newer.at, tz, '%H:%M')} while you were writing — "
        "review and send again.",
        field="body",
    )


def _who(event: CaseEvent) -> str:
    # A contact's label is "Name <address>"; the name is enough here.
    return event.actor_label.split(" <")[0]
