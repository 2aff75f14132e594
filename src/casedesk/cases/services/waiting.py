"""Waiting on the customer: asking for information, the reply that resumes the case, and the
reminders and automatic resolution the terms may set (`[waiting]`, off by default).

The request is a checklist the case keeps (InfoRequest). Its `next_due_at` is when the waiting
watch must act next; `remind_due` finds what is due through that column's index, claims each
request with a compare-and-set under the case's row lock (as the SLA sweep does), and the unique
key on WaitingNotice backs it up: two workers never remind twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction

from casedesk.cases.models import (
    Case,
    CaseEvent,
    EventKind,
    InfoRequest,
    Resolution,
    Status,
    WaitingNotice,
)
from casedesk.lib import clock
from casedesk.terms.calendar import BusinessCalendar
from casedesk.terms.waiting import AUTO_RESOLVE, Step, schedule

from .access import require_agent
from .errors import CaseError
from .events import record
from .retry import retry_on_lock

log = logging.getLogger(__name__)
MAX_ITEMS = 20


def clean_items(items: list[str] | str) -> list[str]:
    """The checklist as asked: one item a line (or a list), blanks dropped, each kept short."""
    lines = items.splitlines() if isinstance(items, str) else list(items)
    cleaned = [" ".join(str(i).split()) for i in lines]
    cleaned = [i for i in cleaned if i]
    if not cleaned:
        raise CaseError(
            "Say what you need from the customer, one item a line (e.g. the server logs).",
            field="items",
        )
    if len(cleaned) > MAX_ITEMS:
        raise CaseError(f"Ask for at most {MAX_ITEMS} items at once.", field="items")
    if too_long := [i for i in cleaned if len(i) > 300]:
        raise CaseError(f"Keep each item under 300 characters: {too_long[0][:40]}…", field="items")
    return cleaned


def _steps(case: Case, asked: dt.datetime) -> list[Step]:
    terms = case.terms_version.terms
    return schedule(terms.waiting, BusinessCalendar.from_terms(terms.calendar), asked)


@retry_on_lock
def ask_customer(
    agent: AbstractBaseUser,
    case: Case,
    items: list[str] | str,
    *,
    body: str = "",
    at: dt.datetime | None = None,
) -> InfoRequest:
    """Ask the customer for information: the case waits on them until they reply."""
    require_agent(agent, "ask customers for information")
    cleaned = clean_items(items)
    at = at or clock.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("terms_version").get(pk=case.pk)
        if case.status not in (Status.NEW, Status.TRIAGED, Status.WAITING):
            raise CaseError(
                f"{case.tracking_number} is {case.get_status_display().lower()}; reopen it "
                "before asking the customer for more."
            )
        record(
            case,
            EventKind.INFO_REQUESTED,
            agent,
            at,
            body=body.strip(),
            items=cleaned,
            **{"from": case.status, "to": Status.WAITING},
        )
        # One open request at a time: a new ask replaces what was still outstanding.
        _close_open(case, InfoRequest.State.CLOSED, at)
        steps = _steps(case, at)
        request = InfoRequest.objects.create(
            case=case, items=cleaned, asked_at=at, next_due_at=steps[0].at if steps else None
        )
        case.status = Status.WAITING
        case.updated_at = at
        case.save(update_fields=["status", "updated_at"])
    return request


def answered(case: Case, at: dt.datetime) -> None:
    """The customer replied: the open request is answered and nothing more is due."""
    _close_open(case, InfoRequest.State.ANSWERED, at)


def closed_with(case: Case, at: dt.datetime) -> None:
    """The case was resolved or closed: its open request no longer waits."""
    _close_open(case, InfoRequest.State.CLOSED, at)


def _close_open(case: Case, state: str, at: dt.datetime) -> None:
    InfoRequest.objects.filter(case=case, state=InfoRequest.State.OPEN).update(
        state=state, answered_at=at, next_due_at=None
    )


def open_request(case: Case) -> InfoRequest | None:
    """What the case still needs from the customer (for the portal's "We need from you")."""
    if case.status != Status.WAITING:
        return None
    return case.info_requests.filter(state=InfoRequest.State.OPEN).order_by("-asked_at").first()


# -- the waiting watch ---------------------------------------------------------------------------


def remind_due(now: dt.datetime, *, limit: int = 500) -> int:
    """Send the reminders and automatic resolutions that are due; returns how many."""
    due = InfoRequest.objects.filter(next_due_at__lte=now).order_by("next_due_at")
    rows = list(due.values_list("pk", "case_id", "next_due_at")[:limit])
    return sum(_act(pk, case_id, seen, now) for pk, case_id, seen in rows if seen is not None)


def _lock_case(case_id: int) -> Case | None:
    qs = Case.objects.select_related("terms_version", "contact")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(of=("self",), skip_locked=True)  # another worker has it
    return qs.filter(pk=case_id).first()


def _act(pk: int, case_id: int, seen: dt.datetime, now: dt.datetime) -> int:  # noqa: PLR0911
    with transaction.atomic():
        case = _lock_case(case_id)
        if case is None:
            return 0
        claimed = InfoRequest.objects.filter(pk=pk, next_due_at=seen).update(next_due_at=None)
        if claimed != 1:
            return 0  # another worker got there first, or the customer replied
        request = InfoRequest.objects.get(pk=pk)
        if case.status != Status.WAITING or request.state != InfoRequest.State.OPEN:
            InfoRequest.objects.filter(pk=pk, state=InfoRequest.State.OPEN).update(
                state=InfoRequest.State.CLOSED, answered_at=now
            )
            return 0
        steps = _steps(case, request.asked_at)
        done = set(request.notices.values_list("step", flat=True))
        pending = [s for s in steps if s.name not in done]
        due = [s for s in pending if s.at <= now]
        if not due:
            _reschedule(request, pending)
            return 0
        # Only the latest due step: a worker that was down does not send a backlog of reminders.
        return _take(case, request, due[-1], [s for s in pending if s.at > now], now)


def _take(case: Case, request: InfoRequest, step: Step, later: list[Step], now: dt.datetime) -> int:
    try:
        with transaction.atomic():
            WaitingNotice.objects.create(request=request, step=step.name, at=now)
    except IntegrityError:
        return 0  # already sent: the unique key is the last line of defence
    if step.name == AUTO_RESOLVE:
        _auto_resolve(case, request, now)
    else:
        _remind(case, request, now)
        _reschedule(request, later)
    log.info("%s for %s", step.name, case.tracking_number)
    return 1


def _reschedule(request: InfoRequest, later: list[Step]) -> None:
    InfoRequest.objects.filter(pk=request.pk).update(next_due_at=later[0].at if later else None)


def _remind(case: Case, request: InfoRequest, now: dt.datetime) -> CaseEvent:
    InfoRequest.objects.filter(pk=request.pk).update(reminders_sent=request.reminders_sent + 1)
    return record(
        case,
        EventKind.REMINDED,
        None,
        now,
        items=request.items,
        asked_at=request.asked_at.isoformat(),
        reminder=request.reminders_sent + 1,
    )


def _auto_resolve(case: Case, request: InfoRequest, now: dt.datetime) -> CaseEvent:
    days = case.terms_version.terms.waiting.resolve_after_business_days
    event = record(
        case,
        EventKind.RESOLVED,
        None,
        now,
        how=Resolution.NO_REPLY,
        automatic=True,
        reason=f"No reply in {days} business days to the request for information.",
        items=request.items,
        **{"from": case.status, "to": Status.RESOLVED},
    )
    InfoRequest.objects.filter(pk=request.pk).update(state=InfoRequest.State.CLOSED)
    case.status = Status.RESOLVED
    case.resolution = Resolution.NO_REPLY
    case.closed_at = now
    case.updated_at = now
    case.save(update_fields=["status", "resolution", "closed_at", "updated_at"])
    return event


__all__ = [
    "answered",
    "ask_customer",
    "clean_items",
    "closed_with",
    "open_request",
    "remind_due",
]
