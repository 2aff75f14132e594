"""The case services: the only code that writes cases. Every interface calls these."""

from .access import (
    access_case,
    cases_visible_to,
    find_case_by_message_ids,
    find_case_by_ref,
)
from .bulk import Bulk, Outcome, apply_bulk
from .classify import classify
from .errors import CaseError, CaseNotFound, Forbidden, NotEntitled
from .groups import add_group, set_group, take
from .intake import (
    Opened,
    can_reopen,
    channel_severity,
    customer_reply,
    open_case,
    open_case_recorded,
    reopen,
)
from .links import LinkedCase, link_cases, links_of, unlink_cases
from .merge import Merged, MergePlan, merge_cases, merge_refusal, merged_into, plan_merge
from .patches import deliver_patch, request_patch
from .resolve import resolve, resolve_released
from .responses import add_note, respond
from .sections import with_sections
from .severity import (
    change_severity,
    confirm_severity_request,
    decline_severity_request,
    request_severity_change,
)
from .sla_fields import derive, drift, refresh_sla
from .status import agents, assign, close, close_excluded, set_status
from .waiting import ask_customer, open_request, remind_due

__all__ = [
    "Bulk",
    "CaseError",
    "CaseNotFound",
    "LinkedCase",
    "MergePlan",
    "Merged",
    "Forbidden",
    "NotEntitled",
    "Outcome",
    "Opened",
    "access_case",
    "add_group",
    "add_note",
    "apply_bulk",
    "agents",
    "ask_customer",
    "assign",
    "can_reopen",
    "cases_visible_to",
    "change_severity",
    "classify",
    "channel_severity",
    "close",
    "close_excluded",
    "confirm_severity_request",
    "customer_reply",
    "decline_severity_request",
    "deliver_patch",
    "derive",
    "drift",
    "find_case_by_message_ids",
    "find_case_by_ref",
    "link_cases",
    "links_of",
    "merge_cases",
    "merge_refusal",
    "merged_into",
    "plan_merge",
    "unlink_cases",
    "open_case",
    "open_case_recorded",
    "open_request",
    "refresh_sla",
    "remind_due",
    "reopen",
    "request_patch",
    "request_severity_change",
    "resolve",
    "resolve_released",
    "respond",
    "set_group",
    "set_status",
    "with_sections",
    "take",
]
