"""Waiting on the customer, as the events record it (the contract with issue 16 part A).

A waiting period runs from an event that sets the case's status to `waiting` until the next event
that sets another status. Today that is the `status_changed` event (`data["to"]`); a public reply
also moves a case to "waiting" but records no status change, so it starts no waiting period: an
answer is not a request for information. Part A's own `waiting_periods` replaces this function
when it lands; its callers only need the (start, end or None) pairs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from casedesk.cases.models import DONE_STATUSES, CaseEvent, EventKind, Status

Period = tuple[dt.datetime, dt.datetime | None]


def new_status(event: CaseEvent) -> str | None:
    """The status an event sets, when it sets one explicitly."""
    if event.kind == EventKind.STATUS_CHANGED:
        return str(event.data.get("to", "")) or None
    if event.kind == EventKind.EXCLUDED:
        return Status.EXCLUDED
    if event.kind == EventKind.REOPENED:
        return Status.TRIAGED
    return None


def periods_in(events: Iterable[CaseEvent], statuses: Iterable[str]) -> list[Period]:
    """The periods the case spent in any of `statuses` (events in time order)."""
    wanted = set(statuses)
    out: list[Period] = []
    since: dt.datetime | None = None
    for event in events:
        status = new_status(event)
        if status is None:
            continue
        if status in wanted and since is None:
            since = event.at
        elif status not in wanted and since is not None:
            out.append((since, event.at))
            since = None
    if since is not None:
        out.append((since, None))
    return out


def waiting_periods(events: Iterable[CaseEvent]) -> list[Period]:
    return periods_in(events, [Status.WAITING])


def done_periods(events: Iterable[CaseEvent]) -> list[Period]:
    """Resolved, closed or excluded, until reopened."""
    return periods_in(events, DONE_STATUSES)
