"""Request and response bodies. Times are ISO 8601 in UTC."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

from casedesk.cases.services.sections import MAX_SECTION
from casedesk.lib.inputs import MAX_ID

# The services check severity ranges and empty text, so each refusal carries the service's own
# sentence; the document states those same rules (json_schema_extra), so a client or a
# schema-driven fuzzer knows which requests are valid. Severities are strict integers: JSON's
# true is not Severity 1.
SEVERITY_RANGE: dict[str, Any] = {"minimum": 1, "maximum": 4}
NOT_BLANK: dict[str, Any] = {"minLength": 1, "pattern": r"\S"}

Severity = Annotated[
    int, Field(strict=True, description="1, 2, 3 or 4.", json_schema_extra=SEVERITY_RANGE)
]
Text = Annotated[str, Field(json_schema_extra=NOT_BLANK)]


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
    subject: Text
    description: str = ""
    requested_severity: Severity | None = Field(
        None, description="The severity the customer assigns in good faith (1-4)."
    )
    product: str = ""
    version: str = ""
    kind: CaseKindIn | None = Field(None, description="What the case is about; default unknown.")
    environment: EnvironmentIn | None = Field(
        None, description="Severity 1 and 2 are defined for production; default unknown."
    )
    tried: str = Field(
        "",
        max_length=MAX_SECTION,
        description="What you tried before asking (the terms ask customers to try to solve the "
        "problem first). Stored in the case's first message under “What we tried”.",
    )
    diagnostics: str = Field(
        "",
        max_length=MAX_SECTION,
        description="Logs, versions, error messages. Stored in the first message under "
        "“Diagnostics (logs, versions, error messages)”; attach whole files with "
        "POST /api/cases/{ref}/attachments.",
    )


class ReplyIn(Schema):
    body: Text


class ResponseIn(ReplyIn):
    seen_event: int | None = Field(
        None,
        ge=0,
        le=MAX_ID,
        description=(
            "Optional: the id of the newest event you read (`timeline` of GET /api/cases/{ref}). When "
            "someone else has replied publicly since, the reply is refused once (400, field "
            "'body') so you read theirs first; send again to reply anyway."
        ),
    )


class SeverityRequestIn(Schema):
    severity: Severity
    reason: Text


class ReasonIn(Schema):
    reason: Text


class OptionalReasonIn(Schema):
    reason: str = ""


class PatchIn(Schema):
    summary: Text


class DeliverPatchIn(Schema):
    note: Text


class SeverityIn(Schema):
    severity: Severity
    reason: Text
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


class EffortOut(Schema):
    """Effort after the first response (DESIGN.md §1); read-only, derived from the events."""

    clock: Literal["wall", "business", "none"] = Field(
        description="How the effort clock counts: wall time (24x7), business hours, or none."
    )
    interval: str | None = Field(description="Quiet after this long without engineer activity.")
    last_activity_at: dt.datetime | None = Field(description="Support engineers only.")
    quiet_at: dt.datetime | None = Field(
        description="Support engineers only: when the case goes (went) quiet without more "
        "activity; null when closed, waiting on the customer or without an interval."
    )
    quiet: bool | None = Field(description="Support engineers only: quiet now.")
    update_target: str | None = Field(description="A public update is due every this long.")
    update_due_at: dt.datetime | None = Field(description="When the next public update is due.")
    update_late: bool | None = Field(description="The update target has passed; null: none.")


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


CaseKindIn = Literal[
    "question",
    "problem",
    "failure_recovery",
    "bug_fix",
    "enhancement",
    "documentation",
    "unknown",
]
EnvironmentIn = Literal["production", "non_production", "unknown"]


class ResolvedOut(Schema):
    how: str
    text: str = Field(description="How it was resolved, as the pages say it.")
    release: str | None
    release_ga_on: dt.date | None
    duplicate_of: str | None
    patch: int | None


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
    kind: str = Field(description="question, problem, ..., or unknown until someone says.")
    environment: str = Field(description="production, non_production or unknown.")
    resolution: str | None = Field(description="How it was resolved (or is scheduled to be).")


class RequestClocksOut(Schema):
    severity: int = Field(description="The severity the case runs on now.")
    deadline: dt.datetime | None = Field(description="Its response deadline; null: none.")
    requested: int = Field(description="The severity asked for, waiting for an engineer.")
    requested_target: str = Field(description='Its target from confirmation, e.g. "1 hour".')
    deadline_if_confirmed_now: dt.datetime | None = Field(
        description="The response deadline a confirmation right now would set."
    )
    pages_on_duty: bool = Field(description="The request pages the on-duty engineer now.")
    text: list[str] = Field(
        description='"Severity 3 now: due …; if an engineer confirms Severity 1: due … from '
        "confirmation\", in the caller's time zone, and the paging sentence when it applies."
    )


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
    effort: EffortOut
    timeline: list[EventOut]
    patches: list[PatchOut]
    needed: list[str] | None = Field(
        description="While the case waits on the customer: what the engineers asked for."
    )
    resolved: ResolvedOut | None
    environment_flag: str | None = Field(
        description="Support engineers only: Severity 1/2 outside production, in the "
        "definition's words."
    )
    request_clocks: RequestClocksOut | None = Field(
        None, description="While a severity request is pending: both response clocks."
    )
    warnings: list[str] = Field(
        default_factory=list,
        description="On opening a case and asking for a severity: the incident quota's standing "
        "when a quota severity is involved and, when it is used up, that the request will "
        "likely be declined unless an engineer overrides the quota (GET /subscription shows "
        "the same before you send).",
    )


class CasePage(Schema):
    count: int = Field(description="Matching cases, counted up to 1,000 (see count_capped).")
    count_capped: bool = Field(
        description="True when more than `count` cases match: the count stops at 1,000."
    )
    page: int
    page_size: int
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page (the case lists); null on the last "
        "page and on the queue, which pages by `page`."
    )
    items: list[CaseRowOut]


class MeOut(Schema):
    username: str
    role: Literal["engineer", "contact", "none"]
    organisation: str | None
