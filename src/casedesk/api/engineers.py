"""Endpoints for support engineers: the queue and the actions on a case. A contact gets 403 on
their own organisation's cases and 404 on any other, as for every case endpoint."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest
from ninja import Query, Router
from pydantic import Field

from casedesk.cases import services as cs
from casedesk.cases.models import PatchRequest, SeverityRequest, is_open_sql
from casedesk.cases.queue_order import needs_action_first
from casedesk.lib import clock

from . import present
from .caller import ERRORS, case_for, require_engineer
from .cases import Paging, detail, page_of
from .schemas import (
    AssignIn,
    CaseOut,
    CasePage,
    DeliverPatchIn,
    ExclusionIn,
    OptionalReasonIn,
    PatchOut,
    ReasonIn,
    ReplyIn,
    ResponseIn,
    SeverityIn,
    StatusIn,
)

router = Router(tags=["engineers"])
UNASSIGNED = "none"


class QueueFilters(Paging):
    severity: int | None = Field(None, ge=1, le=4, description="1, 2, 3 or 4.")
    level: str | None = Field(None, description="A level key, such as premium.")
    customer: str | None = Field(None, description="A customer's slug.")
    assignee: str | None = Field(None, description="A username, or 'none' for unassigned.")
    requests: bool = Field(False, description="Only cases with a severity request waiting.")
    kind: str | None = Field(None, description="A case kind, such as problem or unknown.")
    environment: str | None = Field(None, description="production, non_production or unknown.")


@router.get("/queue", response={200: CasePage, **ERRORS}, summary="The engineers' queue")
def queue(request: HttpRequest, filters: Query[QueueFilters]) -> dict[str, Any]:
    """Open cases in the order of what needs action next: overdue or due within the hour first,
    then quiet cases and public updates due, later deadlines, answered cases by when something
    is next due, and cases waiting on the customer or a scheduled release last."""
    user = require_engineer(request, "see the queue")
    cases = cs.cases_visible_to(user).filter(is_open_sql())  # the queue index's condition
    if filters.severity is not None:
        cases = cases.filter(severity=filters.severity)
    if filters.level:
        cases = cases.filter(level=filters.level)
    if filters.customer:
        cases = cases.filter(customer__slug=filters.customer)
    if filters.assignee == UNASSIGNED:
        cases = cases.filter(assignee__isnull=True)
    elif filters.assignee:
        cases = cases.filter(assignee__username=filters.assignee)
    if filters.requests:
        cases = cases.filter(severity_request=SeverityRequest.PENDING)
    if filters.kind:
        cases = cases.filter(kind=filters.kind)
    if filters.environment:
        cases = cases.filter(environment=filters.environment)
    # The console's order (issue 18): what needs action next, waiting on the customer last.
    return page_of(request, needs_action_first(cases, clock.now()), filters)


def _done(request: HttpRequest, ref: str) -> dict[str, Any]:
    return detail(request, case_for(request, ref))


@router.post("/cases/{ref}/responses", response={200: CaseOut, **ERRORS})
def respond(request: HttpRequest, ref: str, payload: ResponseIn) -> Any:
    """A public reply to the customer; the first one stops the response clock."""
    case = case_for(request, ref)
    engineer = require_engineer(request, "reply to customers")
    cs.respond(engineer, case, payload.body, seen_event=payload.seen_event)
    return _done(request, ref)


@router.post("/cases/{ref}/notes", response={200: CaseOut, **ERRORS})
def note(request: HttpRequest, ref: str, payload: ReplyIn) -> Any:
    """An internal note: never shown to the customer, never stops the clock."""
    case = case_for(request, ref)
    cs.add_note(require_engineer(request, "write internal notes"), case, payload.body)
    return _done(request, ref)


@router.post("/cases/{ref}/severity", response={200: CaseOut, **ERRORS})
def change_severity(request: HttpRequest, ref: str, payload: SeverityIn) -> Any:
    """Change the severity with a reason; past the incident quota, only with
    `override_quota_reason` (a refusal is kept in the case history). Setting exactly the
    severity a pending request asks for confirms the request. A resolved or closed case's
    severity cannot change."""
    case = case_for(request, ref)
    cs.change_severity(
        require_engineer(request, "change a case's severity"),
        case,
        payload.severity,
        payload.reason,
        override_quota_reason=payload.override_quota_reason,
    )
    return _done(request, ref)


@router.post("/cases/{ref}/severity-requests/confirm", response={200: CaseOut, **ERRORS})
def confirm_request(request: HttpRequest, ref: str, payload: OptionalReasonIn) -> Any:
    case = case_for(request, ref)
    agent = require_engineer(request, "confirm a severity request")
    cs.confirm_severity_request(agent, case, payload.reason)
    return _done(request, ref)


@router.post("/cases/{ref}/severity-requests/decline", response={200: CaseOut, **ERRORS})
def decline_request(request: HttpRequest, ref: str, payload: ReasonIn) -> Any:
    case = case_for(request, ref)
    agent = require_engineer(request, "decline a severity request")
    cs.decline_severity_request(agent, case, payload.reason)
    return _done(request, ref)


@router.post("/cases/{ref}/assignee", response={200: CaseOut, **ERRORS})
def assign(request: HttpRequest, ref: str, payload: AssignIn) -> Any:
    """Assign to an engineer by username; null unassigns."""
    case = case_for(request, ref)
    agent = require_engineer(request, "assign cases")
    assignee = None
    if payload.assignee:
        assignee = get_user_model().objects.filter(username=payload.assignee).first()
        if assignee is None:
            raise cs.CaseError(f"There is no user {payload.assignee!r}.", field="assignee")
    cs.assign(agent, case, assignee)
    return _done(request, ref)


@router.post("/cases/{ref}/status", response={200: CaseOut, **ERRORS})
def set_status(request: HttpRequest, ref: str, payload: StatusIn) -> Any:
    case = case_for(request, ref)
    agent = require_engineer(request, "change a case's status")
    cs.set_status(agent, case, payload.status, reason=payload.reason)
    return _done(request, ref)


@router.post("/cases/{ref}/exclusion", response={200: CaseOut, **ERRORS})
def close_excluded(request: HttpRequest, ref: str, payload: ExclusionIn) -> Any:
    """Close as out of scope under one of the terms' exclusion codes; the customer sees its text."""
    case = case_for(request, ref)
    agent = require_engineer(request, "close a case as out of scope")
    cs.close_excluded(agent, case, payload.code, reason=payload.reason)
    return _done(request, ref)


@router.post("/cases/{ref}/patch-requests/{pk}/delivery", response={200: PatchOut, **ERRORS})
def deliver_patch(request: HttpRequest, ref: str, pk: int, payload: DeliverPatchIn) -> Any:
    case = case_for(request, ref)
    agent = require_engineer(request, "deliver emergency patches")
    patch = PatchRequest.objects.filter(case=case, pk=pk).first()
    if patch is None:
        raise Http404("No such emergency patch request on this case.")
    return present.patch(cs.deliver_patch(agent, patch, payload.note))
