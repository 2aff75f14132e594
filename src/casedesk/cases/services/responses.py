"""Engineers' public replies and internal notes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from casedesk.cases.models import Case, CaseEvent, EventKind, Status
from casedesk.lib import clock

from . import attachments as files
from .access import require_agent
from .collision import refuse_if_replied_since
from .errors import CaseError
from .events import record
from .groups import mark_taken
from .retry import retry_on_lock
from .sla_fields import refresh_sla


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("terms_version").get(pk=case.pk)


@retry_on_lock
def respond(
    agent: AbstractBaseUser,
    case: Case,
    body: str,
    *,
    at: dt.datetime | None = None,
    attachments: Sequence[files.FileSpec] = (),
    message_id: str = "",
    seen_event: int | None = None,
) -> CaseEvent:
    """A public reply to the customer; the first one stops the response clock. `seen_event`:
    the newest event the engineer read; another public reply since then refuses this one once."""
    require_agent(agent, "reply to customers")
    if not body.strip():
        raise CaseError("The reply is empty.", field="body")
    files.check_sizes(attachments)
    at = at or clock.now()
    with transaction.atomic():
        case = _locked(case)
        refuse_if_replied_since(agent, case, seen_event)
        if case.assignee_id is None:  # issue 18: the first reply by an engineer takes the case
            mark_taken(agent, case, at)
        first = case.first_response_at is None
        # A reply is the vendor's work, not a wait: only "Ask the customer" (cases.services.
        # waiting) puts a case on the customer's side. A new case becomes triaged.
        moved = {"from": case.status, "to": Status.TRIAGED} if case.status == Status.NEW else {}
        event = record(
            case,
            EventKind.REPLIED,
            agent,
            at,
            body=body,
            message_id=message_id,
            first_response=first,
            **moved,
        )
        files.store(case, event, attachments, at, public=True)
        if moved:
            case.status = Status.TRIAGED
        case.updated_at = at
        case.save(update_fields=["assignee", "status", "updated_at"])
        refresh_sla(case)
    return event


@retry_on_lock
def add_note(
    agent: AbstractBaseUser,
    case: Case,
    body: str,
    *,
    at: dt.datetime | None = None,
    attachments: Sequence[files.FileSpec] = (),
) -> CaseEvent:
    """An internal note: never shown to the customer, never stops the clock."""
    require_agent(agent, "write internal notes")
    if not body.strip():
        raise CaseError("The note is empty.", field="body")
    files.check_sizes(attachments)
    at = at or clock.now()
    with transaction.atomic():
        event = record(case, EventKind.NOTE, agent, at, body=body, public=False)
        files.store(case, event, attachments, at, public=False)
    return event
