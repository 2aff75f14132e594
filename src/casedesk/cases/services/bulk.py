"""Bulk actions on the queue (issue 18): one action applied to many cases, each through its own
service, each refused on its own with the service's reason. Nothing is all-or-nothing: a case
refused leaves the others done."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from casedesk.cases.models import Case, Resolution, Status, SupportGroup

from .access import access_case, require_agent
from .errors import CaseError
from .groups import set_group
from .resolve import resolve
from .status import assign, close_excluded, set_status

LIMIT = 200  # a page of the queue is 50; a bigger batch is a script's job (the API)
ACTIONS = {
    "assign": "Assign",
    "group": "Move to a group",
    "status": "Change the status",
    "duplicate": "Close as a duplicate",
    "exclude": "Close as out of scope",
}
STATUSES = (Status.TRIAGED, Status.WAITING, Status.CLOSED)  # the others need their own form


@dataclass(frozen=True)
class Outcome:
    ref: str
    done: bool
    message: str  # what was done, or why not


@dataclass(frozen=True)
class Bulk:
    """What to do: `action` (a key of ACTIONS) and what that action needs."""

    action: str
    assignee: int | None = None  # None with action "assign": unassign
    group: int | None = None  # None with action "group": out of any group
    status: str = ""
    duplicate_of: str = ""
    code: str = ""
    reason: str = ""


def apply_bulk(agent: AbstractBaseUser, refs: Sequence[str], bulk: Bulk) -> list[Outcome]:
    """Apply `bulk` to each case in `refs` (tracking numbers), in order."""
    require_agent(agent, "act on several cases at once")
    refs = list(dict.fromkeys(r.strip() for r in refs if r.strip()))  # once each, in order
    if not refs:
        raise CaseError("Tick at least one case first.", field="cases")
    if len(refs) > LIMIT:
        raise CaseError(f"Choose at most {LIMIT} cases at a time.", field="cases")
    act = _action(bulk)
    return [_one(agent, ref, act) for ref in refs]


def _one(
    agent: AbstractBaseUser, ref: str, act: Callable[[AbstractBaseUser, Case], str]
) -> Outcome:
    try:
        case = access_case(agent, ref)
        return Outcome(case.tracking_number, True, act(agent, case))
    except CaseError as exc:
        return Outcome(ref.upper(), False, exc.message)


def _action(bulk: Bulk) -> Callable[[AbstractBaseUser, Case], str]:
    """Check what the action needs once, before any case; return the per-case step."""
    match bulk.action:
        case "assign":
            return _assigning(bulk.assignee)
        case "group":
            return _grouping(bulk.group)
        case "status":
            return _moving(bulk.status, bulk.reason)
        case "duplicate":
            return _duplicating(bulk.duplicate_of, bulk.reason)
        case "exclude":
            return _excluding(bulk.code, bulk.reason)
    listed = ", ".join(ACTIONS)
    raise CaseError(f"Choose what to do with the selected cases: one of {listed}.", field="action")


def _assigning(user_id: int | None) -> Callable[[AbstractBaseUser, Case], str]:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user_id and user is None:
        raise CaseError("Choose an engineer to assign the cases to.", field="assignee")
    name = (user.get_full_name() or user.get_username()) if user else ""

    def step(agent: AbstractBaseUser, case: Case) -> str:
        if case.assignee_id == (user.pk if user else None):
            raise CaseError(f"Already assigned to {name}." if user else "Already unassigned.")
        assign(agent, case, user)
        return f"Assigned to {name}." if user else "Unassigned."

    return step


def _grouping(group_id: int | None) -> Callable[[AbstractBaseUser, Case], str]:
    group = SupportGroup.objects.filter(pk=group_id).first() if group_id else None
    if group_id and group is None:
        raise CaseError("Choose one of the support groups.", field="group")

    def step(agent: AbstractBaseUser, case: Case) -> str:
        set_group(agent, case, group)
        return f"Moved to {group.name}." if group else "Taken out of its group."

    return step


def _moving(status: str, reason: str) -> Callable[[AbstractBaseUser, Case], str]:
    if status not in STATUSES:
        listed = ", ".join(Status(s).label.lower() for s in STATUSES)
        raise CaseError(f"Choose the status to move the cases to: {listed}.", field="status")
    label = Status(status).label.lower()

    def step(agent: AbstractBaseUser, case: Case) -> str:
        set_status(agent, case, status, reason=reason)
        return f"Moved to {label}."

    return step


def _duplicating(original: str, note: str) -> Callable[[AbstractBaseUser, Case], str]:
    original = original.strip().upper()
    if not original:
        raise CaseError(
            "Give the tracking number of the case they duplicate.", field="duplicate_of"
        )

    def step(agent: AbstractBaseUser, case: Case) -> str:
        resolve(agent, case, Resolution.DUPLICATE, duplicate_of=original, note=note)
        return f"Closed as a duplicate of {original}."

    return step


def _excluding(code: str, note: str) -> Callable[[AbstractBaseUser, Case], str]:
    if not code:
        raise CaseError("Choose the exclusion the cases fall under.", field="code")

    def step(agent: AbstractBaseUser, case: Case) -> str:
        close_excluded(agent, case, code, reason=note)
        return f"Closed as out of scope under exclusion ({code})."

    return step
