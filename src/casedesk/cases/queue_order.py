"""The queue in the order of what needs action next (issue 18).

Lanes, top to bottom:
0. no first response, and the deadline passed or within the hour (overdue, due now);
1. answered, and quiet (no engineer activity past the effort interval) or a public update due;
2. no first response yet, later deadlines; reasonable efforts (no deadline) last among them;
3. answered, nothing due yet, by when something will be (quiet or update);
4. waiting on the customer or on a scheduled release: nothing for an engineer to do.
Within a lane, the earliest due time first, then the oldest case.

The lanes depend on `now`, so no index holds this order: the open cases are read through the
queue's partial index (`case_open_queue`, ~7 % of the table) and sorted by the database.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import F, IntegerField, Q, QuerySet, Value, When

from casedesk.cases.models import Case, Status

WINDOW = dt.timedelta(hours=1)  # as the "breaching soon" lane
WAITING = (Status.WAITING, Status.FIX_SCHEDULED)


def _lane(now: dt.datetime) -> models.Case:
    unanswered = Q(first_response_at__isnull=True)
    return models.Case(
        When(status__in=WAITING, then=Value(4)),
        When(unanswered & Q(response_deadline__lte=now + WINDOW), then=Value(0)),
        When(unanswered, then=Value(2)),
        When(Q(quiet_at__lte=now) | Q(update_due_at__lte=now), then=Value(1)),
        default=Value(3),
        output_field=IntegerField(),
    )


def _due() -> models.Case:
    """The time the lane is about: the response deadline, or the earlier of quiet and update."""
    return models.Case(
        When(status__in=WAITING, then=Value(None)),
        When(first_response_at__isnull=True, then=F("response_deadline")),
        When(quiet_at__isnull=True, then=F("update_due_at")),
        When(update_due_at__isnull=True, then=F("quiet_at")),
        When(quiet_at__lte=F("update_due_at"), then=F("quiet_at")),
        default=F("update_due_at"),
    )


def needs_action_first(qs: QuerySet[Case], now: dt.datetime) -> QuerySet[Case]:
    # The group by LEFT JOIN, as the assignee (`queue._in_queue_order`): rows show it.
    ordered = qs.select_related("group").alias(action_lane=_lane(now), action_due=_due())
    return ordered.order_by(
        "action_lane", F("action_due").asc(nulls_last=True), "received_at", "id"
    )
