"""The subscription years a customer's statement can cover: those begun so far, newest first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from casedesk.customers.models import Customer

from ..queries.quota import subscription_years


@dataclass(frozen=True)
class StatementYear:
    start: dt.date
    end: dt.date
    level_name: str
    so_far: bool  # the year holding today: its figures are "so far"
    patches_included: bool = True  # the level includes emergency patches

    @property
    def key(self) -> str:
        return self.start.isoformat()

    @property
    def label(self) -> str:
        text = f"{self.start:%d %b %Y} to {self.end:%d %b %Y} · {self.level_name}"
        return f"{text} (so far)" if self.so_far else text


def statement_years(customer: Customer, now: dt.datetime) -> list[StatementYear]:
    """Every subscription year that has begun, newest first; one per first day (a renewal that
    starts on an anniversary names the year after the subscription signed later)."""
    years: dict[dt.date, StatementYear] = {}
    subs = customer.subscriptions.select_related("terms_version").order_by("starts_on", "id")
    for sub in subs:
        today = sub.local_date(now)  # "today" on the terms' calendar, as the quota counts years
        if today < sub.starts_on:
            continue
        for start, end in subscription_years(sub, min(today, sub.ends_on)):
            patches = sub.level in sub.terms.levels and sub.level_terms.emergency_patches
            years[start] = StatementYear(start, end, sub.level_name, start <= today <= end, patches)
    return sorted(years.values(), key=lambda y: y.start, reverse=True)


def pick_year(years: list[StatementYear], key: str) -> StatementYear | None:
    """The year whose first day is `key` (YYYY-MM-DD); the newest when `key` is empty."""
    if not key:
        return years[0] if years else None
    return next((y for y in years if y.key == key), None)
