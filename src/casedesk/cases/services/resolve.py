"""Resolving a case says how: DESIGN.md §1 "After the first response", "Resolution".

A fix in a release that is not generally available yet leaves the case *fix scheduled*;
`resolve_released` resolves every such case once its release's GA date has arrived (the worker
runs it each pass, so a catalog update that moves the GA date is picked up too).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from casedesk.cases.models import Case, EventKind, PatchRequest, Resolution, Status
from casedesk.customers.models import Release
from casedesk.lib import clock

from .access import require_agent
from .errors import CaseError
from .events import record
from .retry import retry_on_lock
from .status import close_excluded
from .waiting import closed_with

log = logging.getLogger(__name__)

# What an engineer may choose ("no reply" is the terms' automatic resolution, not a choice).
CHOICES = [r for r in Resolution if r not in (Resolution.NONE, Resolution.NO_REPLY)]
RESOLVABLE = (Status.NEW, Status.TRIAGED, Status.WAITING, Status.FIX_SCHEDULED)


def resolve(
    agent: AbstractBaseUser,
    case: Case,
    how: str,
    *,
    note: str = "",
    patch: PatchRequest | int | None = None,
    release: Release | int | None = None,
    duplicate_of: str = "",
    code: str = "",
    at: dt.datetime | None = None,
) -> Case:
    """Resolve `case` as `how`, with what that kind needs (patch, release, case or code)."""
    require_agent(agent, "resolve cases")
    if how not in [c.value for c in CHOICES]:
        listed = ", ".join(c.value for c in CHOICES)
        raise CaseError(f"Say how the case was resolved: one of {listed}.", field="how")
    if how == Resolution.EXCLUDED:
        return close_excluded(agent, case, code, reason=note, at=at)
    return _resolve(agent, case, how, note, patch, release, duplicate_of, at or clock.now())


@retry_on_lock
def _resolve(
    agent: AbstractBaseUser,
    case: Case,
    how: str,
    note: str,
    patch: PatchRequest | int | None,
    release: Release | int | None,
    duplicate_of: str,
    at: dt.datetime,
) -> Case:
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("terms_version", "subscription")
            .get(pk=case.pk)
        )
        if case.status not in RESOLVABLE:
            raise CaseError(
                f"{case.tracking_number} is already {case.get_status_display().lower()}."
            )
        links = _links(case, how, patch, release, duplicate_of)
        scheduled = how == Resolution.FIXED_IN_RELEASE and not _available(
            links["release"], case, at
        )
        to = Status.FIX_SCHEDULED if scheduled else Status.RESOLVED
        record(
            case,
            EventKind.RESOLVED,
            agent,
            at,
            body=note.strip(),
            how=how,
            release=_release_text(links["release"]),
            release_id=links["release"].pk if links["release"] else None,
            ga_on=links["release"].ga_on.isoformat() if links["release"] else None,
            patch=links["patch"].pk if links["patch"] else None,
            duplicate_of=links["duplicate_of"].tracking_number if links["duplicate_of"] else None,
            **{"from": case.status, "to": to},
        )
        closed_with(case, at)
        case.status = to
        case.resolution = how
        case.resolution_release = links["release"]
        case.resolution_patch = links["patch"]
        case.duplicate_of = links["duplicate_of"]
        case.closed_at = None if scheduled else at
        case.updated_at = at
        case.save(update_fields=[*_FIELDS, "status", "closed_at", "updated_at"])
    return case


_FIELDS = ["resolution", "resolution_release", "resolution_patch", "duplicate_of"]


def _links(
    case: Case,
    how: str,
    patch: PatchRequest | int | None,
    release: Release | int | None,
    duplicate_of: str,
) -> dict[str, Any]:
    links: dict[str, Any] = {"release": None, "patch": None, "duplicate_of": None}
    if how == Resolution.PATCH_DELIVERED:
        links["patch"] = _patch(case, patch)
    elif how == Resolution.FIXED_IN_RELEASE:
        links["release"] = _release(release)
    elif how == Resolution.DUPLICATE:
        links["duplicate_of"] = _original(case, duplicate_of)
    return links


def _patch(case: Case, patch: PatchRequest | int | None) -> PatchRequest:
    pk = patch.pk if isinstance(patch, PatchRequest) else patch
    found = case.patch_requests.filter(pk=pk).first() if pk else None
    if found is None:
        raise CaseError("Choose the delivered patch of this case that resolved it.", field="patch")
    if found.state != PatchRequest.State.DELIVERED:
        raise CaseError(
            "That patch is not delivered yet: deliver it first, then resolve.", field="patch"
        )
    return found


def _release(release: Release | int | None) -> Release:
    pk = release.pk if isinstance(release, Release) else release
    found = Release.objects.filter(pk=pk).first() if pk else None
    if found is None:
        raise CaseError(
            "Choose the release of the catalog that fixes it (add it to the catalog first if it "
            "is not there).",
            field="release",
        )
    return found


def _original(case: Case, ref: str) -> Case:
    ref = (ref or "").strip().upper()
    original = Case.objects.filter(customer_id=case.customer_id, tracking_number=ref).first()
    # Another customer's case is "not found" like an unknown one: numbers leak nothing.
    if original is None or original.pk == case.pk:
        raise CaseError(
            f"Give the tracking number of another case of {case.customer.name} that this one "
            "duplicates.",
            field="duplicate_of",
        )
    return original


def _available(release: Release | None, case: Case, at: dt.datetime) -> bool:
    """Is the release generally available on the case's terms' calendar date at `at`?"""
    return release is not None and release.ga_on <= case.subscription.local_date(at)


def _release_text(release: Release | None) -> str | None:
    return f"{release.product} {release.version}" if release else None


# -- the release watch ---------------------------------------------------------------------------


def resolve_released(now: dt.datetime, *, limit: int = 500) -> int:
    """Resolve every fix-scheduled case whose release is generally available by now; mails its
    contact (the event's mail). Returns how many cases this call resolved."""
    # A day's margin for time zones ahead of UTC; `_available` decides per case.
    horizon = now.astimezone(dt.UTC).date() + dt.timedelta(days=1)
    due = Case.objects.filter(
        status=Status.FIX_SCHEDULED, resolution_release__ga_on__lte=horizon
    ).order_by("pk")
    ids = list(due.values_list("pk", flat=True)[:limit])
    return sum(_release_one(pk, now) for pk in ids)


@retry_on_lock
def _release_one(case_id: int, now: dt.datetime) -> int:
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("terms_version", "subscription", "resolution_release", "contact")
            .filter(pk=case_id)
            .first()
        )
        release = case.resolution_release if case else None
        if case is None or not _available(release, case, now):
            return 0
        # The compare-and-set: only the worker that moves it out of "fix scheduled" records.
        claimed = Case.objects.filter(pk=case_id, status=Status.FIX_SCHEDULED).update(
            status=Status.RESOLVED, closed_at=now, updated_at=now
        )
        if claimed != 1:
            return 0
        record(
            case,
            EventKind.FIX_RELEASED,
            None,
            now,
            release=_release_text(release),
            release_id=release.pk if release else None,
            ga_on=release.ga_on.isoformat() if release else None,
            **{"from": Status.FIX_SCHEDULED, "to": Status.RESOLVED},
        )
    log.info("%s resolved: %s is generally available", case.tracking_number, release)
    return 1
