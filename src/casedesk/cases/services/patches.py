"""Emergency patches: accepted on levels that include them, tracked to delivery."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from casedesk.cases.models import Case, EventKind, PatchRequest
from casedesk.customers import services as customers
from casedesk.customers.models import SupportContact
from casedesk.lib import clock

from .access import require_agent, require_contact_of
from .errors import CaseError
from .events import Actor, record
from .retry import retry_on_lock


@retry_on_lock
def request_patch(
    actor: Actor, case: Case, summary: str, *, at: dt.datetime | None = None
) -> PatchRequest:
    """A contact or an engineer asks for an emergency patch on a case."""
    if isinstance(actor, SupportContact):
        require_contact_of(actor, case)
    else:
        require_agent(actor, "request emergency patches")
    if not summary.strip():
        raise CaseError("Describe what the emergency patch must fix.", field="summary")
    at = at or clock.now()
    refusal = customers.patch_refusal(case.subscription)
    if refusal:
        # The refusal is history: both sides see what was asked and the terms' reason.
        with transaction.atomic():
            record(case, EventKind.PATCH_REFUSED, actor, at, body=summary, reason=refusal)
        raise CaseError(refusal, field="summary")
    with transaction.atomic():
        record(case, EventKind.PATCH_REQUESTED, actor, at, body=summary)
        return PatchRequest.objects.create(case=case, summary=summary, requested_at=at)


@retry_on_lock
def deliver_patch(
    agent: AbstractBaseUser, patch: PatchRequest, note: str, *, at: dt.datetime | None = None
) -> PatchRequest:
    require_agent(agent, "deliver emergency patches")
    if not note.strip():
        raise CaseError(
            "Say what was delivered (version, download link, instructions).", field="note"
        )
    at = at or clock.now()
    with transaction.atomic():
        patch = PatchRequest.objects.select_for_update().get(pk=patch.pk)
        if patch.state == PatchRequest.State.DELIVERED:
            raise CaseError("That emergency patch was already delivered.")
        record(patch.case, EventKind.PATCH_DELIVERED, agent, at, body=note, patch=patch.pk)
        patch.state = PatchRequest.State.DELIVERED
        patch.delivered_at = at
        patch.delivery_note = note
        patch.save(update_fields=["state", "delivered_at", "delivery_note"])
    return patch
