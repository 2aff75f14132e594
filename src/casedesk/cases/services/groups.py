"""Ownership (issue 18): routing a case to its support group, round-robin within the group, an
engineer taking a case, and moving a case to another group."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from casedesk.cases.models import (
    Case,
    CaseEvent,
    EventKind,
    GroupMember,
    RoutingRule,
    SupportGroup,
)
from casedesk.customers.roles import is_agent, manager_refusal
from casedesk.lib import clock

from .access import require_agent
from .errors import CaseError, Forbidden
from .events import new_event, record, record_all
from .retry import retry_on_lock
from .status import record_assignment


def route_for(product: str, kind: str) -> SupportGroup | None:
    """The group of the first rule (by position) matching the product and kind; empty matches any."""
    product = product.strip().casefold()
    rules = RoutingRule.objects.select_related("group").order_by("position", "id")
    for rule in rules:
        if rule.product and rule.product.strip().casefold() != product:
            continue
        if rule.kind and rule.kind != kind:
            continue
        return rule.group
    return None


def next_on_shift(group: SupportGroup) -> Any | None:
    """The member after the last one given a case, among active engineers flagged available.

    Call inside a transaction: the group row is locked so two intakes never pick the same turn
    (on SQLite the write transaction already serialises them)."""
    locked = SupportGroup.objects.select_for_update().get(pk=group.pk)
    members = [
        m.user
        for m in locked.memberships.filter(available=True, user__is_active=True)
        .select_related("user")
        .prefetch_related("user__groups")
        .order_by("user__username", "user_id")
        if is_agent(m.user)
    ]
    if not members:
        return None
    ids = [u.pk for u in members]
    after = ids.index(locked.last_assigned_id) + 1 if locked.last_assigned_id in ids else 0
    chosen = members[after % len(members)]
    SupportGroup.objects.filter(pk=group.pk).update(last_assigned=chosen)
    return chosen


def routed_events(case: Case, at: dt.datetime, *, assign: bool = True) -> list[CaseEvent]:
    """Set the case's group by the rules and, for a round-robin group when `assign`, its
    assignee; returns the internal events that say so, not yet stored (at intake the case is
    not saved yet)."""
    group = route_for(case.product, case.kind)
    if group is None:
        return []
    case.group = group
    events = [new_event(case, EventKind.GROUPED, None, at, public=False, group=group.name)]
    chosen = next_on_shift(group) if assign and group.round_robin else None
    if chosen is not None:
        case.assignee = chosen
        turn = {"assignee": chosen.get_username(), "round_robin": group.name}
        events.append(new_event(case, EventKind.ASSIGNED, None, at, public=False, **turn))
    return events


def reroute(case: Case, at: dt.datetime) -> None:
    """After classification (case locked): a case without a group gets one if a rule now matches.
    A group set by hand or by an earlier rule stays; engineers move cases themselves."""
    if case.group_id is not None:
        return
    events = routed_events(case, at, assign=case.assignee_id is None)
    if events:
        record_all(events)
        case.save(update_fields=["group", "assignee"])


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("assignee").get(pk=case.pk)


@retry_on_lock
def take(agent: AbstractBaseUser, case: Case, *, at: dt.datetime | None = None) -> Case:
    """The engineer makes the case theirs; refused when another engineer already owns it."""
    require_agent(agent, "take cases")
    at = at or clock.now()
    with transaction.atomic():
        case = _locked(case)
        if not case.is_open:
            raise CaseError(f"{case.tracking_number} is {case.get_status_display().lower()}.")
        if case.assignee_id == agent.pk:
            raise CaseError(f"{case.tracking_number} is already yours.")
        if case.assignee_id is not None:
            owner = case.assignee
            name = (owner.get_full_name() or owner.get_username()) if owner else "someone"
            raise CaseError(
                f"{case.tracking_number} is assigned to {name}; ask them, or reassign it."
            )
        mark_taken(agent, case, at)
        case.updated_at = at
        case.save(update_fields=["assignee", "status", "updated_at"])
    return case


def mark_taken(agent: AbstractBaseUser, case: Case, at: dt.datetime) -> None:
    """Record that `agent` takes the locked, unassigned `case` (the caller saves it)."""
    record_assignment(agent, case, agent, at, taken=True)


@retry_on_lock
def set_group(
    agent: AbstractBaseUser,
    case: Case,
    group: SupportGroup | int | None,
    *,
    at: dt.datetime | None = None,
) -> Case:
    """Move the case to a support group (None: no group)."""
    require_agent(agent, "move cases between groups")
    found = _group(group)
    at = at or clock.now()
    with transaction.atomic():
        case = _locked(case)
        if not case.is_open:
            raise CaseError(f"{case.tracking_number} is {case.get_status_display().lower()}.")
        if case.group_id == (found.pk if found else None):
            where = f"in {found.name}" if found else "in no group"
            raise CaseError(f"{case.tracking_number} is already {where}.", field="group")
        record(
            case, EventKind.GROUPED, agent, at, public=False, group=found.name if found else None
        )
        case.group = found
        case.updated_at = at
        case.save(update_fields=["group", "updated_at"])
    return case


def _group(group: SupportGroup | int | None) -> SupportGroup | None:
    if group is None or isinstance(group, SupportGroup):
        return group
    found = SupportGroup.objects.filter(pk=group).first()
    if found is None:
        raise CaseError("Choose one of the support groups.", field="group")
    return found


def add_group(
    manager: AbstractBaseUser,
    name: str,
    *,
    members: Sequence[Any] = (),
    off_shift: Sequence[Any] = (),
    round_robin: bool = False,
    rules: Sequence[tuple[str, str]] = (),
    description: str = "",
) -> SupportGroup:
    """A support group with members (those in `off_shift` not available) and routing rules
    given as (product, kind) pairs, tried in order. The admin does the same by hand."""
    refusal = manager_refusal(manager, "add support groups")
    if refusal:
        raise Forbidden(f"{refusal}.")
    if not name.strip():
        raise CaseError("Give the group a name.", field="name")
    with transaction.atomic():
        group = SupportGroup.objects.create(
            name=name.strip(), description=description, round_robin=round_robin
        )
        off = {u.pk for u in off_shift}
        GroupMember.objects.bulk_create(
            GroupMember(group=group, user=u, available=u.pk not in off) for u in members
        )
        RoutingRule.objects.bulk_create(
            RoutingRule(group=group, product=product, kind=kind, position=10 * (n + 1))
            for n, (product, kind) in enumerate(rules)
        )
    return group
