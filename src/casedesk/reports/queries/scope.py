"""Which cases a report covers (range, level, customer, months in the terms' zone), the
stored terms versions it reads names from, and the SQL mirror of the pending/overdue rule."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Case as DbCase
from django.db.models import IntegerField, Max, Min, Q, QuerySet, Value, When

from casedesk.cases.models import Case, Outcome
from casedesk.customers.models import DEFAULT_TIME_ZONE, TermsVersion
from casedesk.lib.tz import local_date
from casedesk.terms import Terms

_US = 1_000_000
_MIN_US = 60 * _US
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_ONE_US = dt.timedelta(microseconds=1)


@dataclass(frozen=True)
class Filters:
    """Cases received from `start` to `end` (both inclusive, dates in the terms' zone)."""

    start: dt.date
    end: dt.date
    level: str = ""
    customer_id: int | None = None
    tz: str = DEFAULT_TIME_ZONE

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def since(self) -> dt.datetime:
        # Local midnight, then UTC: a day is 23 or 25 hours across a DST change.
        return dt.datetime.combine(self.start, dt.time(), self.zone).astimezone(dt.UTC)

    @property
    def until(self) -> dt.datetime:
        nxt = self.end + dt.timedelta(days=1)
        return dt.datetime.combine(nxt, dt.time(), self.zone).astimezone(dt.UTC)


def default_range(now: dt.datetime, tz: str = DEFAULT_TIME_ZONE) -> tuple[dt.date, dt.date]:
    """The last 90 days, today included."""
    today = local_date(now, tz)
    return today - dt.timedelta(days=89), today


def data_span(now: dt.datetime, tz: str = DEFAULT_TIME_ZONE) -> tuple[dt.date, dt.date]:
    """From the first day of the month of the first case received to today (or the last case,
    if later): the dates a report can show anything for, in the terms' zone."""
    span = Case.objects.aggregate(first=Min("received_at"), last=Max("received_at"))
    today = local_date(now, tz)
    first = local_date(span["first"], tz) if span["first"] else today
    last = max(today, local_date(span["last"], tz)) if span["last"] else today
    return first.replace(day=1), last


def cases_in(f: Filters) -> QuerySet[Case]:
    qs = Case.objects.filter(received_at__gte=f.since, received_at__lt=f.until)
    if f.level:
        qs = qs.filter(level=f.level)
    if f.customer_id:
        qs = qs.filter(customer_id=f.customer_id)
    return qs


@dataclass(frozen=True)
class TermsIndex:
    """Every stored terms version, parsed; level names and exclusion texts come from here."""

    by_id: dict[int, Terms]
    latest: Terms | None

    @property
    def tz(self) -> str:
        return self.latest.calendar.timezone if self.latest else DEFAULT_TIME_ZONE

    def level_keys(self) -> list[str]:
        """Level keys in the terms' order (latest terms first, then older ones' extra keys)."""
        keys: list[str] = list(self.latest.levels) if self.latest else []
        for terms in self.by_id.values():
            keys += [k for k in terms.levels if k not in keys]
        return keys

    def level_name(self, key: str) -> str:
        for terms in ([self.latest] if self.latest else []) + list(self.by_id.values()):
            if key in terms.levels:
                return terms.levels[key].name
        return key

    def level_order(self, key: str) -> int:
        keys = self.level_keys()
        return keys.index(key) if key in keys else len(keys)

    def business_only(self, terms_id: int, level: str) -> bool:
        terms = self.by_id.get(terms_id)
        return bool(terms and level in terms.levels and terms.levels[level].business_hours_only)


def terms_index() -> TermsIndex:
    versions = list(TermsVersion.objects.order_by("-created_at", "-id"))
    by_id = {v.pk: v.terms for v in versions}
    return TermsIndex(by_id, versions[0].terms if versions else None)


def _month_starts(f: Filters) -> list[tuple[int, dt.datetime]]:
    """(YYYYMM, UTC instant the *next* month starts) for every month the range touches."""
    out = []
    for ym in _months(f.start, f.end):
        y, m = divmod(ym, 100)
        nxt = dt.date(y + 1, 1, 1) if m == 12 else dt.date(y, m + 1, 1)
        # Local midnight of the 1st, then UTC (a case received 31 Jan 23:00 PT is January's).
        out.append((ym, dt.datetime.combine(nxt, dt.time(), f.zone).astimezone(dt.UTC)))
    return out


def _month_expr(f: Filters) -> Any:
    """The month of receipt in the terms' zone as YYYYMM, by comparisons with month starts.

    Plain comparisons, not ExtractMonth(tzinfo=...): on SQLite that calls a Python function per
    row and costs over a second at 100,000 cases.
    """
    whens = [When(received_at__lt=until, then=Value(ym)) for ym, until in _month_starts(f)]
    return DbCase(*whens, default=Value(0), output_field=IntegerField())


def _ym(ym: int) -> str:
    return f"{ym // 100}-{ym % 100:02d}"


def _months(start: dt.date, end: dt.date) -> list[int]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(y * 100 + m)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def to_us(t: dt.datetime) -> int:
    return (t - _EPOCH) // _ONE_US


def unanswered(now: dt.datetime) -> dict[str, Q]:
    """terms.sla.unanswered_status in SQL: a case with no response is pending while `now` is at
    or before its deadline, overdue after (tests/reports/test_queries.py checks both agree)."""
    no_reply = Q(response_outcome=Outcome.PENDING)
    return {
        "pending": no_reply & Q(response_deadline__gte=now),
        "overdue": no_reply & Q(response_deadline__lt=now),
    }
