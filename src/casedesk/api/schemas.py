"""Request and response bodies. Times are ISO 8601 in UTC."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

# Request bodies keep the checks the services make (severity range, empty text) out of the
# schema, so each refusal carries the service's own sentence.


class ErrorItem(Schema):
    field: str | None
    detail: str


class ErrorOut(Schema):
    detail: str = Field(description="What is wrong and what to do, as one or more sentences.")
    field: str | None = Field(description="The request field the error belongs to, if any.")
    errors: list[ErrorItem] | None = Field(
        None, description="Schema validation only: one sentence per invalid field."
    )


class OpenCaseIn(Schema):
    subject: str
    description: str = ""
    requested_severity: int | None = Field(
        None, description="The severity the customer assigns in good faith (1-4)."
    )
    product: str = ""
    version: str = ""


class ReplyIn(Schema):
    body: str


class SeverityRequestIn(Schema):
    severity: int
    reason: str


class ReasonIn(Schema):
    reason: str


class OptionalReasonIn(Schema):
    reason: str = ""


class PatchIn(Schema):
    summary: str


class DeliverPatchIn(Schema):
    note: str


class SeverityIn(Schema):
    severity: int
    reason: str
    override_quota_reason: str = Field(
        "", description="Needed only when the incident quota is used up; logged."
    )


class AssignIn(Schema):
    assignee: str | None = Field(description="An engineer's username, or null to unassign.")


class StatusIn(Schema):
    status: str = Field(description="new, triaged, waiting, resolved or closed.")
    reason: str = ""


class ExclusionIn(Schema):
    code: str = Field(description="One of the terms' exclusion codes, such as 'a' or 'iii'.")
    reason: str = ""


class SlaOut(Schema):
    deadline: dt.datetime | None = Field(description="Response deadline; null = no deadline.")
    clock: Literal["elapsed", "business_days", "reasonable_efforts"]
    target: str
    outcome: Literal["met", "breached", "pending", "overdue", "no_target"]
    first_response_at: dt.datetime | None
    late_by: str | None
    explanation: list[str] = Field(description="The steps behind the deadline, one per line.")


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    public: bool
    uploaded_at: dt.datetime
    url: str


class EventOut(Schema):
    id: int
    kind: str
    at: dt.datetime
    actor: str
    summary: str
    body: str
    reason: str
    public: bool
    attachments: list[AttachmentOut]


class PatchOut(Schema):
    id: int
    state: Literal["requested", "delivered"]
    summary: str
    requested_at: dt.datetime
    delivered_at: dt.datetime | None
    delivery_note: str


class ExclusionOut(Schema):
    code: str
    text: str


class CaseRowOut(Schema):
    ref: str = Field(description="The tracking number, such as CASE-12.")
    subject: str
    status: str
    severity: int
    requested_severity: int | None
    severity_request: Literal["pending", "confirmed", "declined"] | None
    channel: str
    customer: str
    contact: str
    assignee: str | None = Field(description="Shown to support engineers only.")
    received_at: dt.datetime
    updated_at: dt.datetime
    response_deadline: dt.datetime | None
    first_response_at: dt.datetime | None


class CaseOut(CaseRowOut):
    description: str
    level: str
    product: str
    version: str
    version_flag: str | None = Field(
        description="Support engineers only: the exclusion code an unsupported or "
        "non-production version falls under."
    )
    closed_at: dt.datetime | None
    exclusion: ExclusionOut | None
    follows: str | None
    sla: SlaOut
    timeline: list[EventOut]
    patches: list[PatchOut]


class CasePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[CaseRowOut]


class MeOut(Schema):
    username: str
    role: Literal["engineer", "contact", "none"]
    organisation: str | None
