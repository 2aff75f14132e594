"""Writing the append-only event log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from casedesk.cases.models import Case, CaseEvent
from casedesk.cases.notifications import on_event
from casedesk.customers.models import SupportContact
from casedesk.search.services import index

from .effort_fields import after_events

Actor = AbstractBaseUser | SupportContact | None


def actor_fields(actor: Actor) -> tuple[int | None, str]:
    """(user id or None, label shown to people) for whoever acted."""
    if actor is None:
        return None, "casedesk"
    if isinstance(actor, SupportContact):
        # The id, not `actor.user`: that would load the login just to store its key.
        return actor.user_id, f"{actor.name} <{actor.email}>"
    label = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
    return actor.pk, label or actor.get_username()


def record(case: Case, kind: str, actor: Actor, at: dt.datetime, **fields: Any) -> CaseEvent:
    """Store one event now; `fields` as `new_event` takes them."""
    return record_all([new_event(case, kind, actor, at, **fields)])[0]


def new_event(
    case: Case,
    kind: str,
    actor: Actor,
    at: dt.datetime,
    *,
    body: str = "",
    reason: str = "",
    public: bool = True,
    message_id: str = "",
    **data: Any,
) -> CaseEvent:
    """An event not yet stored (`record_all` stores it); its case may be unsaved until then."""
    user_id, label = actor_fields(actor)
    return CaseEvent(
        case=case,
        kind=kind,
        actor_id=user_id,
        actor_label=label,
        at=at,
        body=body,
        reason=reason,
        public=public,
        message_id=message_id[:300],
        data=data,
    )


def record_all(events: list[CaseEvent]) -> list[CaseEvent]:
    """Store events in one INSERT, in order; each then goes to `on_event` as `record` does."""
    for event in events:
        event.digest = event.content_digest()  # `sla verify` tells an event edited later
    if len(events) == 1:
        events[0].save(force_insert=True)
    else:
        CaseEvent.objects.bulk_create(events)  # sets the ids on both databases (RETURNING)
    for event in events:
        on_event(event)  # public news for the customer goes out by mail after the commit
    after_events(events)  # the effort fields and their watch follow engineer activity
    index.add_events(events)  # findable from this commit on
    return events
