"""GET /api/cases/search: the search service for API callers, with the same isolation as the
portal and the console (a contact: own organisation, public text; an engineer: everything)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from casedesk.cases import services as cs
from casedesk.cases.models import DONE_STATUSES, OPEN_STATUSES, CaseKind
from casedesk.cases.models import Status as CaseStatus
from casedesk.customers.models import Customer
from casedesk.search.services.cases import CaseFilters, CasePage, search_cases

from . import present
from .caller import ERRORS, caller
from .schemas import CaseRowOut

router = Router(tags=["cases"])
GROUPS = {"open": OPEN_STATUSES, "done": DONE_STATUSES}
NOBODY = -1  # no user has this id: a filter on an unknown name matches nothing


class SearchIn(Schema):
    q: str = Field(
        "",
        max_length=500,
        description='Words (all must match), "quoted phrases", or a tracking number such as '
        "CASE-12 (then `exact` names the case).",
    )
    status: str | None = Field(None, description="open, done, or one status such as waiting.")
    severity: int | None = Field(None, ge=1, le=4)
    level: str | None = Field(None, description="A support level's key, such as premium.")
    kind: str | None = Field(None, description="question, problem, bug_fix, ...")
    customer: str | None = Field(None, description="A customer's slug (engineers).")
    assignee: str | None = Field(None, description="An engineer's username (engineers).")
    received_from: dt.datetime | None = Field(None, description="Received at or after (ISO 8601).")
    received_before: dt.datetime | None = Field(None, description="Received before (ISO 8601).")
    page: int = Field(1, ge=1, le=1000)
    page_size: int = Field(20, ge=1, le=50)


class SearchHitOut(CaseRowOut):
    snippet: str = Field(
        description="Where the words matched, as HTML: the text escaped, each match in <mark>. "
        "A contact's snippet holds public text only."
    )


class SearchOut(Schema):
    exact: str | None = Field(description="The case whose tracking number the query is, if any.")
    page: int
    page_size: int
    has_next: bool
    items: list[SearchHitOut]


@router.get("/cases/search", response={200: SearchOut, **ERRORS}, summary="Search cases")
def search(request: HttpRequest, params: Query[SearchIn]) -> dict[str, Any]:
    """Best match first: the number and subject weigh most. Without `q`, the filters alone list
    cases newest first; with neither, nothing."""
    who = caller(request)
    found = search_cases(
        who.user, params.q, _filters(params), page=params.page, page_size=params.page_size
    )
    return _out(found, params, internal=who.agent)


def _filters(params: SearchIn) -> CaseFilters:
    for name in ("received_from", "received_before"):
        value = getattr(params, name)
        if value is not None and value.tzinfo is None:
            raise cs.CaseError(
                f"{name} needs a time zone, such as {value.isoformat()}Z for UTC.", name
            )
    return CaseFilters(
        statuses=_statuses(params.status),
        level=params.level or "",
        severity=params.severity,
        kind=_kind(params.kind),
        customer_id=_customer_id(params.customer),
        assignee_id=_assignee_id(params.assignee),
        received_from=params.received_from,
        received_before=params.received_before,
    )


def _statuses(status: str | None) -> tuple[str, ...]:
    if not status:
        return ()
    if status in GROUPS:
        return tuple(str(s) for s in GROUPS[status])
    if status in CaseStatus.values:
        return (status,)
    known = ", ".join(CaseStatus.values)
    raise cs.CaseError(f"Unknown status {status!r}; use open, done, or one of {known}.", "status")


def _kind(kind: str | None) -> str:
    if kind and kind not in CaseKind.values:
        known = ", ".join(CaseKind.values)
        raise cs.CaseError(f"Unknown kind {kind!r}; use one of {known}.", "kind")
    return kind or ""


def _customer_id(slug: str | None) -> int | None:
    if not slug:
        return None
    return Customer.objects.filter(slug=slug).values_list("pk", flat=True).first() or NOBODY


def _assignee_id(username: str | None) -> int | None:
    if not username:
        return None
    users = get_user_model().objects.filter(username=username)
    return users.values_list("pk", flat=True).first() or NOBODY


def _out(found: CasePage, params: SearchIn, *, internal: bool) -> dict[str, Any]:
    return {
        "exact": found.exact.tracking_number if found.exact else None,
        "page": found.page,
        "page_size": params.page_size,
        "has_next": found.has_next,
        "items": [
            present.case_row(hit.case, internal=internal) | {"snippet": str(hit.snippet)}
            for hit in found.hits
        ],
    }
