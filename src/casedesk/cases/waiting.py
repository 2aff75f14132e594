"""A case's waiting periods from its event log (read-only, like `cases.deadlines`).

An event changes the status when its data records the new one as `to` (a status name, as
`status_changed` does; severity events carry numbers there). `waiting_periods` is the contract
the measures after the first response share: see `casedesk.terms.periods`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from casedesk.cases.models import CaseEvent, Status
from casedesk.terms.periods import Period, clip, waited
from casedesk.terms.periods import waiting_periods as _periods

__all__ = ["Period", "clip", "new_status", "status_changes", "waited", "waiting_periods"]


def new_status(event: CaseEvent) -> str | None:
    """The status `event` set, or None when it set none."""
    to = (event.data or {}).get("to")
    return to if isinstance(to, str) and to in Status.values else None


def status_changes(events: Iterable[CaseEvent]) -> list[tuple[dt.datetime, str]]:
    """(at, new status) for every event that recorded a status change, in time order."""
    ordered = sorted(events, key=lambda e: (e.at, e.id or 0))
    return [(e.at, status) for e in ordered if (status := new_status(e)) is not None]


def waiting_periods(events: Iterable[CaseEvent]) -> list[Period]:
    """When the case waited on the customer (the last period is open while it still waits)."""
    return _periods(status_changes(events))
