"""The effort sweep: claim due effort watches, record their alerts (one worker pass).

Exactly once, as the response sweep (watch.sweep): a compare-and-set UPDATE on
`EffortWatch.next_at` under the case's row lock claims the watch, and SlaAlert's unique key
(case, kind, deadline) backs it up; the mail is queued in the outbox in the same transaction.
Its cost follows the due rows (`next_at <= now`, indexed), not the open cases.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, connection, transaction

from casedesk.cases.effort import history
from casedesk.cases.models import Case

from . import effort_notify, notify
from .effort_schedule import effort_plan
from .models import AlertStatus, EffortWatch, SlaAlert
from .schedule import Planned, pending, recorded

log = logging.getLogger(__name__)


def _lock_case(case_id: int) -> Case | None:
    qs = Case.objects.select_related("terms_version", "customer", "assignee")
    if connection.features.has_select_for_update_skip_locked:
        # PostgreSQL: skip a case another worker (or a service) holds; it stays due for later.
        qs = qs.select_for_update(of=("self",), skip_locked=True)
    return qs.filter(pk=case_id).first()


def _to_send(due: list[Planned]) -> list[Planned]:
    """Every due update warning, and only the latest due quiet alert (escalation over warning)."""
    ladder = [p for p in due if p.ladder >= 0]
    return [p for p in due if p.ladder < 0] + ladder[-1:]


def record_due(now: dt.datetime, *, limit: int = 500) -> int:
    due = EffortWatch.objects.filter(next_at__lte=now).order_by("next_at")
    rows = list(due.values_list("pk", "case_id", "next_at")[:limit])
    return sum(_record_one(pk, case_id, seen, now) for pk, case_id, seen in rows)


def _record_one(watch_id: int, case_id: int, seen: dt.datetime | None, now: dt.datetime) -> int:
    with transaction.atomic():
        case = _lock_case(case_id)
        if case is None:
            return 0
        claimed = EffortWatch.objects.filter(pk=watch_id, next_at=seen).update(next_at=None)
        if claimed != 1:
            return 0  # another worker got there first, or new activity rescheduled it
        items = effort_plan(case, history(case, case.events.all()))
        upcoming = pending(items, recorded(case.pk))
        count = sum(_record(case, p, now) for p in _to_send([p for p in upcoming if p.at <= now]))
        later = [p for p in pending(items, recorded(case.pk)) if p.at > now]
        first = min(later, key=lambda p: p.at, default=None)
        EffortWatch.objects.filter(pk=watch_id).update(
            next_at=first.at if first else None,
            next_kind=first.kind if first else "",
            updated_at=now,
        )
    return count


def _record(case: Case, item: Planned, now: dt.datetime) -> int:
    try:
        with transaction.atomic():
            alert = SlaAlert.objects.create(
                case=case,
                kind=item.kind,
                deadline=item.key,
                due_at=item.at,
                step=item.step,
                recipients=notify.recipients(case, item.step),
                status=AlertStatus.MAILED,
                lease_until=now,
                created_at=now,
            )
            effort_notify.queue_mail(case, alert, now)
    except IntegrityError:
        return 0  # already recorded: the unique key is the last line of defence
    log.info("recorded %s for %s", item.kind, case.tracking_number)
    return 1
