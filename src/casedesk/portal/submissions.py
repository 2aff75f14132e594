"""A double submit of the new-case form opens one case and shows it.

The form carries a hidden one-time token. The first POST with it holds the token (the API's
idempotency store, casedesk.api.idempotency, scoped to the contact) and stores the new
case's address in the transaction that opens the case; a second POST with the same token, while
the first runs or after, is sent to that case instead of opening another.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import transaction
from django.utils.crypto import get_random_string

from casedesk.api import idempotency
from casedesk.api.models import IdempotentRequest
from casedesk.cases.models import Case
from casedesk.lib import clock, txfiles

WAIT_SECONDS = 15.0  # how long a second submit waits for the first to finish
FINGERPRINT = "portal:new-case"


def new_token() -> str:
    return get_random_string(32)


def _scope(contact_pk: int) -> str:
    return f"form:{contact_pk}"


def opened_before(contact_pk: int, token: str) -> str | None:
    """The address of the case this token already opened (waiting while it is being opened)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        found = IdempotentRequest.objects.filter(scope=_scope(contact_pk), key=token).first()
        if found is None:
            return None
        if found.locked_until is None:
            return found.body
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.2)


def open_once(
    contact_pk: int, token: str, open_case: Callable[[], Case], url: str
) -> Case | str | None:
    """Open the case once per token: the new case; or the address of the case this token
    already opened; or None when an earlier submit is still at it (or failed).

    `url` is the case page with "{ref}" for its tracking number. A refusal (CaseError) from
    `open_case` frees the token, so the corrected form can be sent again with it.
    """
    outcome = idempotency.begin(_scope(contact_pk), token, FINGERPRINT, clock.now())
    if not isinstance(outcome, idempotency.Held):
        return opened_before(contact_pk, token)
    stored = False
    try:
        with transaction.atomic():
            case = open_case()
            address = url.format(ref=case.tracking_number)
            stored = idempotency.store(outcome.record, 302, "text/uri-list", address)
            if not stored:
                transaction.set_rollback(True)  # a retry took the token over: its case counts
    finally:
        if not stored:
            idempotency.release(outcome.record)
        txfiles.settle()
    return case if stored else opened_before(contact_pk, token)
