"""The SLA sweep: claim due watches, record their alerts, then send them (one worker pass).

Exactly once, from the user's side:
- Claiming a watch is a compare-and-set UPDATE on `next_alert_at` made under the case's row lock
  (the same lock the case services hold), so two workers never record the same alert, and a
  response or severity change committed first is seen before anything is sent.
- The unique key (case, kind, deadline) on SlaAlert backs this up on SQLite and PostgreSQL.
- An alert's mail is queued in the outbox (casedesk.mail.outbox) in the transaction that records
  the alert, and a page is recorded for the pager the same way. The outbox claims each mail with
  a compare-and-set lease, retries with backoff and gives up into the console's list; its
  Message-ID is stable per alert. Each pass also delivers the outbox's due mail (customers'
  mail included), so `casedesk worker --no-tasks` sends everything.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, connection, transaction

from casedesk.cases import services as cases
from casedesk.cases.models import Case
from casedesk.mail import outbox

from . import effort_sweep, notify, pager
from .models import AlertKind, AlertStatus, CaseWatch, SlaAlert
from .schedule import Planned, pending, plan, recorded

log = logging.getLogger(__name__)

LEASE = outbox.LEASE


def sweep(now: dt.datetime, *, limit: int = 500, lease: dt.timedelta = LEASE) -> int:
    """One pass: record the alerts that are due, deliver due mail, attempt due pages.

    Returns how many alerts this pass recorded.
    """
    count = record_due(now, limit=limit)
    count += effort_sweep.record_due(now, limit=limit)  # quiet cases and update targets
    after_response(now, limit=limit)
    queue_pending(now, limit=limit)
    outbox.deliver_due(now, limit=limit, lease=lease)
    pager.deliver_due(now, limit=limit)
    return count


def record_due(now: dt.datetime, *, limit: int = 500) -> int:
    due = CaseWatch.objects.filter(next_alert_at__lte=now).order_by("next_alert_at")
    rows = list(due.values_list("pk", "case_id", "next_alert_at")[:limit])
    return sum(_record_one(pk, case_id, seen, now) for pk, case_id, seen in rows)


def _lock_case(case_id: int) -> Case | None:
    qs = Case.objects.select_related("terms_version", "customer", "assignee")
    if connection.features.has_select_for_update_skip_locked:
        # PostgreSQL: skip a case another worker (or a service) holds; it stays due for later.
        qs = qs.select_for_update(of=("self",), skip_locked=True)
    return qs.filter(pk=case_id).first()


def _record_one(watch_id: int, case_id: int, seen: dt.datetime | None, now: dt.datetime) -> int:
    with transaction.atomic():
        case = _lock_case(case_id)
        if case is None:
            return 0
        # Lock order: case, then watch (as in the services), so no deadlock between the two.
        claimed = CaseWatch.objects.filter(pk=watch_id, next_alert_at=seen).update(
            next_alert_at=None
        )
        if claimed != 1:
            return 0  # another worker got there first, or a service rescheduled it
        items = plan(case, now)
        done = recorded(case.pk)
        upcoming = pending(items, done)
        due = [p for p in upcoming if p.at <= now]
        count = sum(_record(case, p, now) for p in _to_send(due))
        later = [p for p in pending(items, recorded(case.pk)) if p.at > now]
        first = min(later, key=lambda p: p.at, default=None)
        CaseWatch.objects.filter(pk=watch_id).update(
            next_alert_at=first.at if first else None,
            next_alert_kind=first.kind if first else "",
            updated_at=now,
        )
    return count


def _to_send(due: list[Planned]) -> list[Planned]:
    """Every due page, and only the latest due warning: an overdue 50 % after 80 % is noise."""
    ladder = [p for p in due if p.ladder >= 0]
    return [p for p in due if p.ladder < 0] + ladder[-1:]


def _record(case: Case, item: Planned, now: dt.datetime) -> int:
    url = pager.pager_url()
    step = item.step if item.step != "pager" or url else "team"
    try:
        with transaction.atomic():
            alert = SlaAlert.objects.create(
                case=case,
                kind=item.kind,
                deadline=item.key,
                due_at=item.at,
                step=step,
                recipients=notify.recipients(case, step) if step != "pager" else [],
                status=AlertStatus.PAGED if step == "pager" else AlertStatus.MAILED,
                lease_until=now,
                created_at=now,
            )
            if step == "pager":
                pager.create_delivery(case, alert, now)
            else:
                notify.queue_mail(case, alert, now)
    except IntegrityError:
        return 0  # already recorded: the unique key is the last line of defence
    log.info("recorded %s for %s", item.kind, case.tracking_number)
    return 1


def after_response(now: dt.datetime, *, limit: int = 500) -> int:
    """Issue 16's due work: reminders and automatic resolutions of cases waiting on the
    customer, and scheduled fixes whose release is out. Each claims its rows like `record_due`."""
    return cases.remind_due(now, limit=limit) + cases.resolve_released(now, limit=limit)


# -- alerts recorded before the outbox -----------------------------------------------------------


def queue_pending(now: dt.datetime, *, limit: int = 500) -> int:
    """Hand alerts the older watch left pending to the outbox; returns how many."""
    due = SlaAlert.objects.filter(status=AlertStatus.PENDING, lease_until__lte=now)
    ids = list(due.order_by("lease_until").values_list("pk", flat=True)[:limit])
    return sum(_queue_one(pk, now) for pk in ids)


def _queue_one(alert_id: int, now: dt.datetime) -> int:
    with transaction.atomic():
        # The compare-and-set claim: the alert leaves "pending" once, in the mail's transaction.
        claimed = SlaAlert.objects.filter(pk=alert_id, status=AlertStatus.PENDING).update(
            status=AlertStatus.MAILED
        )
        if claimed != 1:
            return 0
        alert = SlaAlert.objects.select_related(
            "case", "case__customer", "case__assignee", "case__terms_version"
        ).get(pk=alert_id)
        notify.queue_mail(alert.case, alert, now)
    return 1


__all__ = ["AlertKind", "queue_pending", "record_due", "sweep"]
