"""Status changes, assignment, closing and closing as out of scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, User
from django.db import transaction
from django.db.models import Q

from casedesk.cases.models import DONE_STATUSES, Case, EventKind, Resolution, Status
from casedesk.customers.roles import AGENTS, MANAGERS, is_agent
from casedesk.lib import clock

from .access import require_agent
from .errors import CaseError
from .events import record
from .retry import retry_on_lock
from .waiting import closed_with

RESOLUTION = ["resolution", "resolution_release", "resolution_patch", "duplicate_of"]

# Where an engineer may move a case; reopening a finished case is the customer's (or a reply's).
TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {Status.TRIAGED, Status.WAITING, Status.RESOLVED, Status.CLOSED},
    Status.TRIAGED: {Status.WAITING, Status.RESOLVED, Status.CLOSED},
    Status.WAITING: {Status.TRIAGED, Status.RESOLVED, Status.CLOSED},
    Status.RESOLVED: {Status.CLOSED, Status.TRIAGED},
    Status.CLOSED: set(),
    Status.EXCLUDED: set(),
    # Leaves "fix scheduled" when the release is out (resolve_released) or the plan changes.
    Status.FIX_SCHEDULED: {Status.TRIAGED, Status.CLOSED},
}


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("terms_version").get(pk=case.pk)


@retry_on_lock
def set_status(
    agent: AbstractBaseUser,
    case: Case,
    status: str,
    *,
    reason: str = "",
    at: dt.datetime | None = None,
) -> Case:
    require_agent(agent, "change a case's status")
    if status == Status.EXCLUDED:
        raise CaseError("Use 'close as out of scope' with an exclusion code.", field="status")
    if status not in Status.values:
        raise CaseError(f"Unknown status {status!r}.", field="status")
    at = at or clock.now()
    with transaction.atomic():
        case = _locked(case)
        if status not in TRANSITIONS[case.status]:
            raise CaseError(
                f"{case.tracking_number} is {case.get_status_display().lower()}; it cannot move to "
                f"{Status(status).label.lower()}.",
                field="status",
            )
        record(
            case,
            EventKind.STATUS_CHANGED,
            agent,
            at,
            reason=reason,
            **{"from": case.status, "to": status},
        )
        if status in DONE_STATUSES:
            case.closed_at = at
            closed_with(case, at)  # an open request for information no longer waits
        elif case.closed_at:
            case.closed_at = None
        if case.status in (Status.RESOLVED, Status.FIX_SCHEDULED) and status not in DONE_STATUSES:
            # Back to work: how it was resolved no longer holds.
            case.resolution, case.resolution_release, case.resolution_patch = "", None, None
            case.duplicate_of = None
        case.status = status
        case.updated_at = at
        case.save(update_fields=["status", *RESOLUTION, "closed_at", "updated_at"])
    return case


def close(
    agent: AbstractBaseUser, case: Case, *, reason: str = "", at: dt.datetime | None = None
) -> Case:
    return set_status(agent, case, Status.CLOSED, reason=reason, at=at)


@retry_on_lock
def close_excluded(
    agent: AbstractBaseUser,
    case: Case,
    code: str,
    *,
    reason: str = "",
    at: dt.datetime | None = None,
) -> Case:
    """Close as out of scope under one of the terms' exclusions; the customer sees its text."""
    require_agent(agent, "close a case as out of scope")
    at = at or clock.now()
    with transaction.atomic():
        case = _locked(case)
        terms = case.terms_version.terms
        if code not in terms.exclusions:
            codes = ", ".join(f"({c})" for c in terms.exclusions)
            raise CaseError(
                f"Choose one of the terms' exclusion codes {codes} to close a case as out of scope.",
                field="code",
            )
        if not case.is_open and case.status != Status.RESOLVED:
            raise CaseError(
                f"{case.tracking_number} is already {case.get_status_display().lower()}."
            )
        record(
            case,
            EventKind.EXCLUDED,
            agent,
            at,
            reason=reason,
            code=code,
            exclusion=terms.exclusions[code],
            **{"from": case.status, "to": Status.EXCLUDED},
        )
        closed_with(case, at)
        case.status = Status.EXCLUDED
        case.exclusion_code = code
        case.resolution = Resolution.EXCLUDED
        case.closed_at = at
        case.updated_at = at
        case.save(
            update_fields=["status", "exclusion_code", "resolution", "closed_at", "updated_at"]
        )
    return case


@retry_on_lock
def assign(agent: AbstractBaseUser, case: Case, assignee: User | None) -> Case:
    require_agent(agent, "assign cases")
    if assignee is not None and not is_agent(assignee):
        raise CaseError(f"{assignee.get_username()} is not a support engineer.", field="assignee")
    at = clock.now()
    with transaction.atomic():
        case = _locked(case)
        record_assignment(agent, case, assignee, at)
        case.updated_at = at
        case.save(update_fields=["assignee", "status", "updated_at"])
    return case


def record_assignment(
    agent: AbstractBaseUser, case: Case, assignee: Any, at: dt.datetime, **data: Any
) -> None:
    """Record the locked `case`'s new assignee (a new case becomes triaged); the caller saves
    `assignee`, `status` and `updated_at`."""
    moved = {"from": case.status, "to": Status.TRIAGED} if case.status == Status.NEW else {}
    name = assignee.get_username() if assignee else None
    record(case, EventKind.ASSIGNED, agent, at, public=False, assignee=name, **moved, **data)
    case.assignee = assignee
    if moved:
        case.status = Status.TRIAGED


def agents() -> list[AbstractBaseUser]:
    """Everyone who may work cases (engineers, managers, superusers), in one query."""
    users = get_user_model().objects.filter(is_active=True)
    users = users.filter(Q(is_superuser=True) | Q(groups__name__in=(AGENTS, MANAGERS)))
    return list(users.distinct().order_by("username"))
