"""Merging a duplicate into another case of the same customer (issue 18).

In one transaction, with both cases locked (lower id first, so two merges cannot deadlock):
- The target records a public "merged" event carrying the duplicate's conversation (its
  description and public messages, in order) with copies of its public files, and an internal
  one with its internal notes and files. The duplicate's own events stay as they are: the log is
  append-only, and each case keeps its own SLA history.
- Quota: an incident is charged once. When both cases hold a charge, the duplicate's is refunded
  (the ledger, the quota shown and the reports all read the ledger) and the duplicate records it.
- The duplicate is closed as a duplicate pointing at the target (`duplicate_of`); its contact is
  told by mail, and so is the target's (the "merged" event's mail).
- The target's deadline does not move: a "merged" event is neither a response nor engineer
  activity (cases.deadlines, cases.effort).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from casedesk.cases.models import Attachment, Case, CaseEvent, EventKind, Resolution, Status
from casedesk.customers import services as customers
from casedesk.lib import clock
from casedesk.lib.tz import local_text
from casedesk.search.services import index

from .access import access_case, normal_ref, require_agent
from .errors import CaseError, CaseNotFound
from .events import record
from .retry import retry_on_lock
from .waiting import closed_with

# What a contact or an engineer wrote: copied into the target's conversation.
MESSAGES = (EventKind.RECEIVED, EventKind.CUSTOMER_REPLIED, EventKind.REPLIED, EventKind.MERGED)
NOTES = (EventKind.NOTE, EventKind.MERGED)


@dataclass(frozen=True)
class MergePlan:
    """What merging `duplicate` into `target` will do: the console's confirmation step."""

    duplicate: Case
    target: Case
    messages: int
    notes: int
    files: int
    refund: bool

    def lines(self) -> list[str]:
        dup, target = self.duplicate.tracking_number, self.target.tracking_number
        lines = [
            f"{self.messages} message{_s(self.messages)} and {self.notes} internal "
            f"note{_s(self.notes)} of {dup} are copied into {target}'s conversation, with "
            f"{self.files} file{_s(self.files)}; {dup}'s own history stays as it is.",
            f"{dup} is closed as a duplicate of {target}.",
            f"{target}'s response deadline does not change.",
        ]
        if self.refund:
            lines.append(
                f"Both cases are charged a Severity {_severities(self.target)} incident: {dup}'s "
                "charge is refunded, so the incident counts once."
            )
        contacts = (self.duplicate.contact, self.target.contact)
        told = sorted({c.email for c in contacts if c.is_active})  # as notifications mail
        if told:
            lines.append(f"{' and '.join(told)} {'is' if len(told) == 1 else 'are'} told by mail.")
        else:
            lines.append("Nobody is mailed: neither case's contact is active any more.")
        return lines


@dataclass(frozen=True)
class Merged:
    duplicate: Case
    target: Case
    refunded: bool


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _severities(case: Case) -> str:
    quota = case.subscription.level_terms.quota
    return "/".join(str(s) for s in quota.severities) if quota else ""


def merge_refusal(duplicate: Case, target: Case) -> str | None:
    """Why `duplicate` cannot be merged into `target` (None: it can), in a sentence."""
    dup, into = duplicate.tracking_number, target.tracking_number
    if duplicate.pk == target.pk:
        return "A case cannot be merged into itself; give the case it duplicates."
    if duplicate.customer_id != target.customer_id:
        return (
            f"{into} is {target.customer.name}'s case and {dup} is {duplicate.customer.name}'s: "
            "only cases of the same customer can be merged. Link them as related instead."
        )
    if target.duplicate_of_id == duplicate.pk:
        return f"{into} was merged into {dup} already."
    if target.duplicate_of_id is not None:
        original = target.duplicate_of.tracking_number  # type: ignore[union-attr]
        return f"{into} is itself a duplicate of {original}; merge {dup} into {original} instead."
    if not duplicate.is_open:
        status = duplicate.get_status_display().lower()
        return f"{dup} is {status}; only an open case can be merged into another."
    if target.status == Status.RESOLVED:
        return f"{into} is resolved; move it back to triaged first, then merge {dup} into it."
    if not target.is_open:
        status = target.get_status_display().lower()
        return f"{into} is {status}; merge {dup} into an open case instead."
    return None


def _target(agent: AbstractBaseUser, ref: str) -> Case:
    ref = (ref or "").strip()
    if not ref:
        raise CaseError("Give the tracking number of the case to merge into.", field="into")
    try:
        return access_case(agent, ref)
    except CaseNotFound:
        raise CaseError(f"No case {normal_ref(ref)}; check the tracking number.", "into") from None


def plan_merge(agent: AbstractBaseUser, duplicate: Case, into: str) -> MergePlan:
    """What merging would do, or the refusal (CaseError) it would meet; changes nothing."""
    require_agent(agent, "merge cases")
    return _plan(duplicate, _target(agent, into))


def _plan(duplicate: Case, target: Case) -> MergePlan:
    refusal = merge_refusal(duplicate, target)
    if refusal:
        raise CaseError(refusal, field="into")
    events = list(duplicate.events.all())
    return MergePlan(
        duplicate,
        target,
        messages=len(_written(events, public=True)),
        notes=len([e for e in _written(events, public=False) if e.kind == EventKind.NOTE]),
        files=duplicate.attachments.count(),
        refund=_both_charged(duplicate, target),
    )


def _both_charged(duplicate: Case, target: Case) -> bool:
    return customers.holds_charge(
        duplicate.subscription, duplicate.tracking_number
    ) and customers.holds_charge(target.subscription, target.tracking_number)


@retry_on_lock
def merge_cases(
    agent: AbstractBaseUser,
    duplicate: Case,
    into: str,
    *,
    note: str = "",
    at: dt.datetime | None = None,
) -> Merged:
    """Merge `duplicate` into the case `into` names (same customer), as the module says."""
    require_agent(agent, "merge cases")
    target = _target(agent, into)
    at = at or clock.now()
    with transaction.atomic():
        duplicate, target = _locked(duplicate, target)
        plan = _plan(duplicate, target)
        events = list(duplicate.events.all())
        _copy(agent, plan, events, at, public=True)
        if _written(events, public=False) or duplicate.attachments.filter(public=False).exists():
            _copy(agent, plan, events, at, public=False)
        if plan.refund:
            _refund(agent, duplicate, target, at)
        _close(agent, duplicate, target, note.strip(), at)
        target.updated_at = at
        target.save(update_fields=["updated_at"])
    return Merged(duplicate, target, plan.refund)


def _locked(duplicate: Case, target: Case) -> tuple[Case, Case]:
    """Both cases, re-read under a row lock taken in id order."""
    # Not `duplicate_of` through a join: on PostgreSQL a row re-read after waiting for its lock
    # keeps the joined columns of the snapshot, so a pointer set by the merge that held the lock
    # would come with a NULL case. Read lazily, it is the committed one.
    rows = (
        Case.objects.select_for_update(of=("self",))
        .select_related("customer", "subscription", "contact", "terms_version")
        .filter(pk__in=[duplicate.pk, target.pk])
        .order_by("pk")
    )
    by_id = {case.pk: case for case in rows}
    return by_id[duplicate.pk], by_id[target.pk]


def _written(events: Sequence[CaseEvent], *, public: bool) -> list[CaseEvent]:
    kinds = MESSAGES if public else NOTES
    return [e for e in events if e.public == public and e.kind in kinds and e.body.strip()]


def _copy(
    agent: AbstractBaseUser,
    plan: MergePlan,
    events: Sequence[CaseEvent],
    at: dt.datetime,
    *,
    public: bool,
) -> None:
    dup, target = plan.duplicate, plan.target
    # Contacts read times in their own zone, engineers (internal) in the terms' zone.
    tz = target.contact.time_zone if public else target.terms_version.terms.calendar.timezone
    written = _written(events, public=public)
    head = (
        f"{dup.tracking_number} “{dup.subject}”, reported by {dup.contact.name}, was merged "
        f"into this case. Its {'conversation' if public else 'internal notes'}:"
    )
    parts = [f"— {e.actor_label}, {local_text(e.at, tz)}:\n{e.body.strip()}" for e in written]
    body = "\n\n".join([head, *parts]) if parts else head.removesuffix(":") + "."
    files = list(dup.attachments.filter(public=public).order_by("uploaded_at", "id"))
    merged = record(
        target,
        EventKind.MERGED,
        agent,
        at,
        public=public,
        body=body,
        source=dup.tracking_number,
        subject=dup.subject,
        messages=len(written),
        files=len(files),
    )
    # The same stored file, referenced from the target: nothing is copied on disk, and the
    # duplicate keeps its own rows.
    copies = Attachment.objects.bulk_create(
        Attachment(
            case=target,
            event=merged,
            file=a.file.name,
            name=a.name,
            content_type=a.content_type,
            size=a.size,
            public=a.public,
            uploaded_at=a.uploaded_at,
        )
        for a in files
    )
    index.add_files(target.pk, copies)  # the target finds the files' names from now on


def _refund(agent: AbstractBaseUser, duplicate: Case, target: Case, at: dt.datetime) -> None:
    reason = f"Merged into {target.tracking_number}, which is charged for this incident."
    customers.refund_incident(
        agent, duplicate.subscription, case_ref=duplicate.tracking_number, at=at, reason=reason
    )
    status = customers.quota_status(duplicate.subscription, at)
    record(
        duplicate,
        EventKind.QUOTA_REFUNDED,
        agent,
        at,
        public=False,
        reason=reason,
        quota=status.text,
    )


def _close(
    agent: AbstractBaseUser, duplicate: Case, target: Case, note: str, at: dt.datetime
) -> None:
    record(
        duplicate,
        EventKind.RESOLVED,
        agent,
        at,
        body=note,
        how=Resolution.DUPLICATE,
        duplicate_of=target.tracking_number,
        merged_into=target.tracking_number,
        **{"from": duplicate.status, "to": Status.CLOSED},
    )
    closed_with(duplicate, at)  # an open request for information no longer waits
    duplicate.status = Status.CLOSED
    duplicate.resolution = Resolution.DUPLICATE
    duplicate.resolution_release = None
    duplicate.resolution_patch = None
    duplicate.duplicate_of = target
    duplicate.closed_at = at
    duplicate.updated_at = at
    duplicate.save(
        update_fields=[
            "status",
            "resolution",
            "resolution_release",
            "resolution_patch",
            "duplicate_of",
            "closed_at",
            "updated_at",
        ]
    )


def merged_into(case: Case) -> str | None:
    """The tracking number `case` was merged into (None: not merged; a plain "duplicate"
    resolution points at its original without moving anything)."""
    if case.duplicate_of_id is None:
        return None
    event = case.events.filter(kind=EventKind.RESOLVED).order_by("-at", "-id").first()
    return (event.data or {}).get("merged_into") if event else None
