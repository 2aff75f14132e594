"""Linked cases and merging (issue 18). Engineers link, unlink and merge; anyone who can see a
case lists its links, and a contact only ever sees links to their own organisation's cases.
Another organisation's case is a 404, as everywhere."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from casedesk.cases import services as cs
from casedesk.cases.models import Case

from .caller import ERRORS, caller, case_for, require_engineer
from .cases import detail
from .schemas import CaseOut

router = Router(tags=["links and merging"])


class LinkIn(Schema):
    case: str = Field(description="The other case's tracking number, such as CASE-12.")
    kind: str = Field("related", description="related or duplicate (a possible duplicate).")


class LinkOut(Schema):
    case: str = Field(description="The linked case's tracking number.")
    subject: str
    status: str
    customer: str = Field(description="The linked case's customer (engineers link across them).")
    kind: str = Field(description="related or duplicate (a possible duplicate).")
    kind_text: str = Field(description="The kind in words.")
    linked_at: dt.datetime


class MergeIn(Schema):
    into: str = Field(description="The case this one duplicates (same customer, open).")
    note: str = Field("", description="For the customer, on the closing (optional).")


def _links(request: HttpRequest, case: Case) -> list[dict[str, Any]]:
    return [
        {
            "case": lc.other.tracking_number,
            "subject": lc.other.subject,
            "status": lc.other.status,
            "customer": lc.other.customer.name,
            "kind": lc.link.kind,
            "kind_text": lc.kind_label,
            "linked_at": lc.link.created_at,
        }
        for lc in cs.links_of(caller(request).user, case)
    ]


@router.get("/cases/{ref}/links", response={200: list[LinkOut], **ERRORS})
def links(request: HttpRequest, ref: str) -> Any:
    """The cases linked to this one that the caller may see, by tracking number."""
    return _links(request, case_for(request, ref))


@router.post("/cases/{ref}/links", response={201: list[LinkOut], **ERRORS})
def link(request: HttpRequest, ref: str, payload: LinkIn) -> Any:
    """Link another case (any customer's) to this one; the link shows on both."""
    case = case_for(request, ref)
    user = require_engineer(request, "link cases")
    cs.link_cases(user, case, payload.case, payload.kind)
    return Status(201, _links(request, case))


@router.delete("/cases/{ref}/links/{other}", response={200: list[LinkOut], **ERRORS})
def unlink(request: HttpRequest, ref: str, other: str) -> Any:
    """Remove the link between this case and `other`."""
    case = case_for(request, ref)
    user = require_engineer(request, "remove links between cases")
    cs.unlink_cases(user, case, other)
    return _links(request, case)


@router.post("/cases/{ref}/merge", response={200: CaseOut, **ERRORS})
def merge(request: HttpRequest, ref: str, payload: MergeIn) -> Any:
    """Merge this case (the duplicate) into `into`: its messages and files are copied there,
    it is closed as a duplicate, both contacts are told by mail, and when both cases were
    charged a Severity 1/2 incident the duplicate's charge is refunded. Returns this case."""
    case = case_for(request, ref)
    user = require_engineer(request, "merge cases")
    cs.merge_cases(user, case, payload.into, note=payload.note)
    return detail(request, case_for(request, ref))
