"""The console's search form: words, and filters an engineer narrows by."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms

from casedesk.cases.models import DONE_STATUSES, OPEN_STATUSES, Status
from casedesk.search.services.cases import CaseFilters

from .forms import UNASSIGNED, QueueFilterForm

OPEN, DONE = "open", "done"
STATUS_CHOICES = [
    ("", "Any"),
    (OPEN, "Open (any open status)"),
    (DONE, "Resolved or closed"),
    *Status.choices,
]


def statuses(value: str) -> tuple[str, ...]:
    groups = {OPEN: OPEN_STATUSES, DONE: DONE_STATUSES}
    return tuple(str(s) for s in groups.get(value, (value,) if value else ()))


# Cases have no receipt outside these days; the bounds also keep a day's end representable.
FIRST_DAY, LAST_DAY = dt.date(1970, 1, 1), dt.date(2999, 12, 31)


def day_bounds(
    start: dt.date | None, end: dt.date | None, zone: str
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """From the start of `start` to the end of `end`, days in `zone`, as instants."""
    tz = ZoneInfo(zone)
    since = dt.datetime.combine(start, dt.time(), tz) if start else None
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tz) if end else None
    return since, until


class DateRangeMixin(forms.Form):
    received_from = forms.DateField(
        label="Received from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label="Received to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def _in_range(self, name: str) -> dt.date | None:
        day = self.cleaned_data.get(name)
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise forms.ValidationError(
                f"Pick a day between {FIRST_DAY:%Y-%m-%d} and {LAST_DAY:%Y-%m-%d}."
            )
        return day

    def clean_received_from(self) -> dt.date | None:
        return self._in_range("received_from")

    def clean_received_to(self) -> dt.date | None:
        return self._in_range("received_to")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error(
                "received_to",
                f"The end date {end:%Y-%m-%d} is before the start date {start:%Y-%m-%d}; "
                "swap them or change one.",
            )
        return data


class SearchForm(DateRangeMixin, QueueFilterForm):
    """The queue's filters (level, severity, customer, assignee, kind, environment) and words,
    a status and received dates: the queue lists open cases, search finds any."""

    field_order = ["q", "status", "level", "severity", "kind", "environment", "customer"]
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=500,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search", "size": 36}),
    )
    status = forms.ChoiceField(required=False, choices=STATUS_CHOICES)

    def filters(self, zone: str, customer_ids: dict[str, int]) -> CaseFilters:
        data = self.cleaned_data
        since, until = day_bounds(data.get("received_from"), data.get("received_to"), zone)
        assignee = data.get("assignee") or ""
        return CaseFilters(
            statuses=statuses(data.get("status") or ""),
            level=data.get("level") or "",
            severity=data.get("severity"),
            kind=data.get("kind") or "",
            environment=data.get("environment") or "",
            customer_id=customer_ids.get(data.get("customer") or ""),
            assignee_id=int(assignee) if assignee.isdigit() else None,
            unassigned=assignee == UNASSIGNED,
            received_from=since,
            received_before=until,
        )
