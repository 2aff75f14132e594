"""Issue 18 in the API: take a case, and one action on many cases (`POST /api/cases/bulk`),
each case done or refused on its own with the service's reason."""

from __future__ import annotations

from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from casedesk.cases import services as cs
from casedesk.cases.models import SupportGroup
from casedesk.cases.services.bulk import LIMIT

from .caller import ERRORS, case_for, require_engineer
from .cases import detail
from .schemas import CaseOut

router = Router(tags=["engineers"])


class BulkIn(Schema):
    cases: list[str] = Field(
        min_length=1, max_length=LIMIT, description=f"Tracking numbers, at most {LIMIT}."
    )
    action: Literal["assign", "group", "status", "duplicate", "exclude"]
    assignee: str | None = Field(None, description="assign: a username; null unassigns.")
    group: str | None = Field(None, description="group: a support group's name; null: none.")
    status: str = Field("", description="status: triaged, waiting or closed.")
    duplicate_of: str = Field("", description="duplicate: the case they duplicate.")
    code: str = Field("", description="exclude: one of the terms' exclusion codes.")
    reason: str = Field("", description="A note kept with each case's change.")


class OutcomeOut(Schema):
    ref: str
    done: bool
    message: str = Field(description="What was done, or why this case was refused.")


class BulkOut(Schema):
    results: list[OutcomeOut]


@router.post("/cases/bulk", response={200: BulkOut, **ERRORS}, summary="Act on several cases")
def bulk(request: HttpRequest, payload: BulkIn) -> dict[str, Any]:
    """One action on each listed case through its own service; a refused case (closed, another
    customer's duplicate, a wrong exclusion for its terms) is listed with the reason and the
    others are still done."""
    agent = require_engineer(request, "act on several cases at once")
    action = cs.Bulk(
        action=payload.action,
        assignee=_user_id(payload.assignee) if payload.action == "assign" else None,
        group=_group_id(payload.group) if payload.action == "group" else None,
        status=payload.status,
        duplicate_of=payload.duplicate_of,
        code=payload.code,
        reason=payload.reason,
    )
    return {"results": cs.apply_bulk(agent, payload.cases, action)}


def _user_id(username: str | None) -> int | None:
    if not username:
        return None
    found = get_user_model().objects.filter(username=username).values_list("pk", flat=True)
    if not found:
        raise cs.CaseError(f"There is no user {username!r}.", field="assignee")
    return int(found[0])


def _group_id(name: str | None) -> int | None:
    if not name:
        return None
    found = SupportGroup.objects.filter(name=name).values_list("pk", flat=True)
    if not found:
        names = ", ".join(SupportGroup.objects.values_list("name", flat=True)) or "none yet"
        raise cs.CaseError(f"There is no support group {name!r}; groups: {names}.", field="group")
    return int(found[0])


@router.post("/cases/{ref}/take", response={200: CaseOut, **ERRORS}, summary="Take a case")
def take(request: HttpRequest, ref: str) -> Any:
    """The caller becomes the case's assignee; refused when another engineer owns it."""
    case = case_for(request, ref)
    cs.take(require_engineer(request, "take cases"), case)
    return detail(request, case_for(request, ref))
