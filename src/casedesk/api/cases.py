"""Endpoints for support contacts (and the reads engineers share): list, read, open, reply,
ask for a severity change, reopen, request a patch, files."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from casedesk.cases import downloads, presenters
from casedesk.cases import services as cs
from casedesk.cases.models import DONE_STATUSES, OPEN_STATUSES, Attachment, Case, Channel
from casedesk.cases.models import Status as CaseStatus
from casedesk.lib import clock
from casedesk.lib import paging as paging_lib

from . import present
from .caller import ERRORS, caller, case_for, require_contact
from .schemas import (
    AttachmentOut,
    CaseOut,
    CasePage,
    MeOut,
    OpenCaseIn,
    PatchIn,
    PatchOut,
    ReasonIn,
    ReplyIn,
    SeverityRequestIn,
)
from .subscription import case_warnings

router = Router(tags=["cases"])

STATUS_GROUPS = {"open": OPEN_STATUSES, "done": DONE_STATUSES}


MAX_PAGE = 1_000_000  # keeps the row offset a number every database takes


class Paging(Schema):
    page: int = Field(
        1, ge=1, le=MAX_PAGE, description="Page number; past the first pages prefer `cursor`."
    )
    page_size: int = Field(25, ge=1, le=100)


class CaseFilters(Paging):
    status: str | None = Field(None, description="open, done, or one status such as waiting.")
    severity: int | None = Field(
        None, description="1, 2, 3 or 4.", json_schema_extra={"minimum": 1, "maximum": 4}
    )
    cursor: str | None = Field(
        None,
        description="The `next_cursor` of the page before: the page after it, read from the "
        "index, as fast at any depth (`page` counts rows from the start). Overrides `page`.",
    )


def detail(
    request: HttpRequest, case: Case, history: presenters.History | None = None
) -> dict[str, Any]:
    who = caller(request)
    tz = who.tz or case.terms_version.terms.calendar.timezone
    return present.case_detail(case, internal=who.agent, tz=tz, now=clock.now(), history=history)


def page_of(
    request: HttpRequest,
    cases: QuerySet[Case],
    paging: Paging,
    *,
    newest_first: bool = False,
    cursor: str | None = None,
) -> dict[str, Any]:
    """One page and a count capped at 1,000. `newest_first`: the caller's order is
    `-received_at, -id`, so the page carries a `next_cursor` and `cursor` reads on from one."""
    internal = caller(request).agent
    count = paging_lib.capped_count(cases)
    rows_qs = cases.select_related("customer", "contact", "assignee")
    if cursor:
        rows_qs = _after_cursor(rows_qs, cursor)
        rows = list(rows_qs[: paging.page_size + 1])
    else:
        start = (paging.page - 1) * paging.page_size
        rows = list(rows_qs[start : start + paging.page_size + 1])
    more, rows = len(rows) > paging.page_size, rows[: paging.page_size]
    return {
        "count": count.value,
        "count_capped": count.capped,
        "page": paging.page,
        "page_size": paging.page_size,
        "next_cursor": _next_cursor(rows[-1]) if newest_first and more and rows else None,
        "items": [present.case_row(c, internal=internal) for c in rows],
    }


_LIST = "cases"  # the cursor's list: newest first


def _after_cursor(cases: QuerySet[Case], cursor: str) -> QuerySet[Case]:
    try:
        received_at, pk = paging_lib.read_cursor(_LIST, cursor)
    except paging_lib.CursorError:
        raise cs.CaseError(
            "This cursor is not one this list gave out (edited or cut short?); copy "
            "`next_cursor` from the previous page exactly, or start again without a cursor.",
            "cursor",
        ) from None
    return paging_lib.older_than(cases, received_at, pk)


def _next_cursor(case: Case) -> str:
    return paging_lib.make_cursor(_LIST, case.received_at, case.pk)


def _status_filter(cases: QuerySet[Case], status: str) -> QuerySet[Case]:
    if status in STATUS_GROUPS:
        return cases.filter(status__in=STATUS_GROUPS[status])
    if status in CaseStatus.values:
        return cases.filter(status=status)
    known = ", ".join(CaseStatus.values)
    raise cs.CaseError(f"Unknown status {status!r}; use open, done, or one of {known}.", "status")


@router.get("/me", response={200: MeOut, **ERRORS}, summary="Who the token belongs to")
def me(request: HttpRequest) -> dict[str, Any]:
    who = caller(request)
    role = "engineer" if who.agent else ("contact" if who.contact else "none")
    org = who.contact.customer.slug if who.contact else None
    return {"username": who.user.get_username(), "role": role, "organisation": org}


@router.get("/cases", response={200: CasePage, **ERRORS}, summary="List cases")
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> dict[str, Any]:
    """A contact's own organisation's cases (an engineer's: all), newest first."""
    cases = cs.cases_visible_to(caller(request).user)
    if filters.status:
        cases = _status_filter(cases, filters.status)
    if filters.severity is not None:
        if filters.severity not in (1, 2, 3, 4):
            raise cs.CaseError("Severity must be 1, 2, 3 or 4.", field="severity")
        cases = cases.filter(severity=filters.severity)
    newest = cases.order_by("-received_at", "-id")
    return page_of(request, newest, filters, newest_first=True, cursor=filters.cursor)


@router.post("/cases", response={201: CaseOut, **ERRORS}, summary="Open a case")
def open_case(request: HttpRequest, payload: OpenCaseIn) -> Status[Any]:
    """Opened through the API channel; it starts at the web form's initial severity (the terms'
    `channels.web.initial_severity`). A higher requested severity waits for an engineer. An
    initial severity the incident quota counts is charged to it; with the quota used up the case
    opens at the next severity the quota does not count, the initial one waiting as a request."""
    contact = require_contact(request, "open cases")
    opened = cs.open_case_recorded(
        contact,
        channel=Channel.API,
        subject=payload.subject,
        description=cs.with_sections(
            payload.description, tried=payload.tried, diagnostics=payload.diagnostics
        ),
        requested_severity=payload.requested_severity,
        product=payload.product,
        version=payload.version,
        kind=payload.kind or "",
        environment=payload.environment or "",
    )
    # Shown from what the service wrote (it checked the contact's entitlement), not read back.
    history = presenters.History(opened.events, opened.attachments)
    body = detail(request, opened.case, history)
    body["warnings"] = case_warnings(opened.case, payload.requested_severity, clock.now())
    return Status(201, body)


@router.get("/cases/{ref}", response={200: CaseOut, **ERRORS}, summary="Read a case")
def get_case(request: HttpRequest, ref: str) -> dict[str, Any]:
    """With its SLA (deadline, clock, outcome and the explanation) and the public history."""
    return detail(request, case_for(request, ref))


@router.post("/cases/{ref}/replies", response={200: CaseOut, 201: CaseOut, **ERRORS})
def reply(request: HttpRequest, ref: str, payload: ReplyIn) -> Status[Any]:
    """A contact's reply. A finished case reopens within the terms' window; after it the reply
    opens a follow-up case (201, with the new case)."""
    case = case_for(request, ref)
    contact = require_contact(request, "reply to cases (engineers: /responses)")
    landed = cs.customer_reply(contact, case, body=payload.body, channel=Channel.API)
    return _landed(request, case, landed)


def _landed(request: HttpRequest, case: Case, landed: Case) -> Status[Any]:
    status = 200 if landed.pk == case.pk else 201
    return Status(status, detail(request, case_for(request, landed.tracking_number)))


@router.post("/cases/{ref}/severity-requests", response={200: CaseOut, **ERRORS})
def request_severity(request: HttpRequest, ref: str, payload: SeverityRequestIn) -> Any:
    """Ask for a different severity; an engineer confirms or declines it."""
    case = case_for(request, ref)
    contact = require_contact(request, "ask for a severity change")
    cs.request_severity_change(contact, case, payload.severity, payload.reason)
    body = detail(request, case_for(request, ref))
    body["warnings"] = case_warnings(case, payload.severity, clock.now())
    return body


@router.post("/cases/{ref}/reopen", response={200: CaseOut, **ERRORS})
def reopen(request: HttpRequest, ref: str, payload: ReasonIn) -> Any:
    """Reopen a resolved or closed case within the terms' reopen window."""
    case = case_for(request, ref)
    contact = require_contact(request, "reopen cases")
    cs.reopen(contact, case, reason=payload.reason)
    return detail(request, case_for(request, ref))


@router.post("/cases/{ref}/patch-requests", response={201: PatchOut, **ERRORS})
def request_patch(request: HttpRequest, ref: str, payload: PatchIn) -> Status[Any]:
    """Ask for an emergency patch; refused with the terms' reason on levels without them."""
    case = case_for(request, ref)
    who = caller(request)
    actor = who.user if who.agent else require_contact(request, "request emergency patches")
    patch = cs.request_patch(actor, case, payload.summary)
    return Status(201, present.patch(patch))


def _files(request: HttpRequest, case: Case) -> QuerySet[Attachment]:
    files = case.attachments.order_by("uploaded_at", "id")
    return files if caller(request).agent else files.filter(public=True)


@router.get("/cases/{ref}/attachments", response={200: list[AttachmentOut], **ERRORS})
def list_attachments(request: HttpRequest, ref: str) -> list[dict[str, Any]]:
    """The case's files: contacts see the public ones; engineers also internal ones."""
    case = case_for(request, ref)
    files = list(_files(request, case))
    for file in files:
        file.case = case
    return [present.attachment(f) for f in files]


DOWNLOAD = {
    "responses": {
        "200": {
            "description": "The file's bytes: PNG, JPEG and GIF images as their type, shown "
            "inline; anything else as application/octet-stream to save.",
            "content": {
                kind: {"schema": {"type": "string", "format": "binary"}}
                for kind in ("application/octet-stream", "image/png", "image/jpeg", "image/gif")
            },
        }
    }
}


@router.get("/cases/{ref}/attachments/{pk}", response=ERRORS, openapi_extra=DOWNLOAD)
def download(request: HttpRequest, ref: str, pk: int) -> FileResponse:
    case = case_for(request, ref)
    file = _files(request, case).filter(pk=pk).first()
    if file is None:
        raise Http404("No such file on this case.")
    return downloads.file_response(file)


@router.post("/cases/{ref}/attachments", response={200: CaseOut, 201: CaseOut, **ERRORS})
def upload(
    request: HttpRequest,
    ref: str,
    file: File[UploadedFile],
    body: Form[str] = "",
    internal: Form[bool] = False,
) -> Status[Any]:
    """Attach a file (multipart form: `file`, optional `body`). For a contact it is a reply with
    the file; for an engineer a public reply, or with `internal=true` an internal note (both need
    a `body`). Files over CASEDESK_MAX_ATTACHMENT_BYTES are refused."""
    case = case_for(request, ref)
    who = caller(request)
    if who.agent:
        act = cs.add_note if internal else cs.respond
        act(who.user, case, body, attachments=[file])
        return Status(200, detail(request, case_for(request, ref)))
    contact = require_contact(request, "attach files")
    landed = cs.customer_reply(contact, case, body=body, attachments=[file], channel=Channel.API)
    return _landed(request, case, landed)
