"""Engineers' actions after the first response (issue 16): kind and environment, asking the
customer for information, resolving saying how. The services' refusals come back as for every
endpoint; another organisation's case is a 404 and a contact gets 403 on their own."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from casedesk.cases import services as cs

from .caller import ERRORS, case_for, require_engineer
from .cases import detail
from .schemas import CaseKindIn, CaseOut, EnvironmentIn

router = Router(tags=["engineers"])


class ClassifyIn(Schema):
    kind: CaseKindIn | None = None
    environment: EnvironmentIn | None = None
    reason: str = Field("", description="Why (internal; goes in the audit log).")


class AskIn(Schema):
    items: list[str] = Field(description="What the customer must send, one item each.")
    body: str = Field("", description="A message to go with the request (optional).")


class ResolveIn(Schema):
    how: str = Field(
        description="answered, workaround, patch_delivered, fixed_in_release, "
        "not_reproducible, duplicate or excluded."
    )
    note: str = Field("", description="For the customer (optional).")
    release: int | None = Field(None, description="fixed_in_release: the catalog release's id.")
    patch: int | None = Field(None, description="patch_delivered: the delivered patch's id.")
    duplicate_of: str = Field("", description="duplicate: another case of the same customer.")
    code: str = Field("", description="excluded: one of the terms' exclusion codes.")


@router.post("/cases/{ref}/classification", response={200: CaseOut, **ERRORS})
def classify(request: HttpRequest, ref: str, payload: ClassifyIn) -> Any:
    """Set the kind and/or the environment (recorded as an internal event)."""
    case = case_for(request, ref)
    user = require_engineer(request, "set a case's kind and environment")
    cs.classify(
        user, case, kind=payload.kind, environment=payload.environment, reason=payload.reason
    )
    return detail(request, case_for(request, ref))


@router.post("/cases/{ref}/info-requests", response={200: CaseOut, **ERRORS})
def ask_customer(request: HttpRequest, ref: str, payload: AskIn) -> Any:
    """Ask the customer for information: the case waits on them until they reply (any channel)."""
    case = case_for(request, ref)
    user = require_engineer(request, "ask customers for information")
    cs.ask_customer(user, case, payload.items, body=payload.body)
    return detail(request, case_for(request, ref))


@router.post("/cases/{ref}/resolution", response={200: CaseOut, **ERRORS})
def resolve(request: HttpRequest, ref: str, payload: ResolveIn) -> Any:
    """Resolve saying how. A fix in a release not yet generally available makes the case
    `scheduled` (fix scheduled); it resolves itself on the release's GA date."""
    case = case_for(request, ref)
    user = require_engineer(request, "resolve cases")
    cs.resolve(
        user,
        case,
        payload.how,
        note=payload.note,
        release=payload.release,
        patch=payload.patch,
        duplicate_of=payload.duplicate_of,
        code=payload.code,
    )
    return detail(request, case_for(request, ref))
