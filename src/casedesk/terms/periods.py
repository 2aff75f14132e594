"""Waiting periods: when a case waited on the customer, from its status changes (pure Python).

The contract shared by every measure of a case's life after the first response (effort, update
targets, time to resolution): a *waiting period* runs from a change that sets the status to
`waiting` until the next change that sets any other status. Only changes that record the new
status count; `casedesk.cases.waiting.status_changes` reads them from the event log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

WAITING = "waiting"


@dataclass(frozen=True, slots=True)
class Period:
    """[start, end); `end` is None while the case is still waiting."""

    start: dt.datetime
    end: dt.datetime | None

    def length(self, until: dt.datetime) -> dt.timedelta:
        """Wall time waited, counting an open period up to `until`."""
        return max((self.end or until) - self.start, dt.timedelta(0))


def waiting_periods(changes: Iterable[tuple[dt.datetime, str]]) -> list[Period]:
    """The waiting periods of `(at, new status)` changes, taken in time order.

    Setting `waiting` while already waiting does not start a new period (a second request for
    information extends the first); any other status ends the period at that change.
    """
    periods: list[Period] = []
    start: dt.datetime | None = None
    for at, status in sorted(changes, key=lambda change: change[0]):
        if status == WAITING and start is None:
            start = at
        elif status != WAITING and start is not None:
            periods.append(Period(start, at))
            start = None
    if start is not None:
        periods.append(Period(start, None))
    return periods


def clip(periods: Iterable[Period], start: dt.datetime, end: dt.datetime) -> list[Period]:
    """The parts of `periods` inside [start, end), all closed (an open period ends at `end`)."""
    clipped = []
    for p in periods:
        a, b = max(p.start, start), min(p.end or end, end)
        if a < b:
            clipped.append(Period(a, b))
    return clipped


def waited(periods: Iterable[Period], until: dt.datetime) -> dt.timedelta:
    """Total wall time waited up to `until`."""
    return sum((p.length(until) for p in periods), dt.timedelta(0))
