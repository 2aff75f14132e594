"""The reports' read layer: SLA attainment, severity changes, exclusions, quota use. Reads only.

Counts are aggregated in the database (one GROUP BY query per grouping). Percentiles and
lateness need each responded case's three instants, so one query pulls just those columns for
the whole range and numpy groups them; business time comes from the terms' batch path. The
number of queries never grows with the number of cases (tests/reports/test_overview.py).

Definitions (the pages print the same sentences as footnotes, see DEFINITIONS):
- a case belongs to the range by its receipt, at its *current* severity and its level at receipt;
- met / breached: the stored response outcome (first public reply by the deadline, or after);
- pending: no response yet, deadline still ahead; overdue: no response and the deadline has
  passed (cases closed without a public reply stay overdue: the terms' clock never stopped);
- attainment = met / (met + breached + overdue); pending cases are not decided yet;
- reasonable-efforts cases have no deadline: counted apart, never in attainment;
- response times count whole minutes (rounded down) from receipt to the first response, on cases
  with a deadline; business time counts only business hours on business-hours levels and
  equals wall time on 24x7x365 levels (as `terms.sla.Outcome.late_by_business` does);
- median and p90 are nearest-rank: the smallest response time that at least half (90 %) of the
  responses came within, so every figure is a real case's time.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from django.db.models import Case as DbCase
from django.db.models import Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from casedesk.cases.models import Case, CaseEvent, EventKind, Outcome, SeverityRequest, Status
from casedesk.customers.models import DEFAULT_TIME_ZONE, QuotaEntry, Subscription, TermsVersion
from casedesk.customers.services import subscription_year
from casedesk.terms import Terms
from casedesk.terms.batch import between_minutes
from casedesk.terms.calendar import BusinessCalendar

DEFINITIONS = {
    "attainment": (
        "attainment = met ÷ (met + breached + overdue); pending cases are not decided yet, and "
        "reasonable-efforts cases have no deadline and are excluded."
    ),
    "met": "met: the first public reply by an engineer came at or before the response deadline.",
    "breached": "breached: the first public reply came after the deadline.",
    "pending": "pending: no reply yet and the deadline is still ahead.",
    "overdue": (
        "overdue: no reply yet and the deadline has passed (also when the case was closed "
        "without a public reply)."
    ),
    "with_deadline": "with a deadline: every case except those on a reasonable-efforts target.",
    "reasonable": (
        "reasonable efforts: the terms set no deadline for this level and severity; shown "
        "apart, never as breached."
    ),
    "response": (
        "response time: receipt to first public reply, whole minutes, on cases with a deadline; "
        "median and p90 are nearest-rank (a real case's time). Business time counts business "
        "hours only on business-hours levels and equals wall time on 24x7x365 levels."
    ),
    "late": "mean lateness: average of (first reply − deadline) over breached cases.",
    "severity": (
        "Cases are grouped at their current severity. Raised/lowered count severity changes "
        "made by engineers; lowered before first response counts cases lowered before "
        "their first reply: every earlier severity above the new one then reads as the new "
        "one (from receipt, or from the raise that set it)."
    ),
    "quota": (
        "used = incidents whose charges outnumber their refunds in that subscription year; "
        "overrides are charges an engineer made over the limit, with a reason."
    ),
}

_US = 1_000_000
_MIN_US = 60 * _US
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_ONE_US = dt.timedelta(microseconds=1)


# -- filters ---------------------------------------------------------------------------------


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
    today = now.astimezone(ZoneInfo(tz)).date()
    return today - dt.timedelta(days=89), today


def cases_in(f: Filters) -> QuerySet[Case]:
    qs = Case.objects.filter(received_at__gte=f.since, received_at__lt=f.until)
    if f.level:
        qs = qs.filter(level=f.level)
    if f.customer_id:
        qs = qs.filter(customer_id=f.customer_id)
    return qs


# -- terms lookups ---------------------------------------------------------------------------


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


# -- attainment ------------------------------------------------------------------------------


def _counts(now: dt.datetime) -> dict[str, Count]:
    no_reply = Q(response_outcome=Outcome.PENDING)
    return {
        "cases": Count("id"),
        "with_deadline": Count("id", filter=Q(response_deadline__isnull=False)),
        "met": Count("id", filter=Q(response_outcome=Outcome.MET)),
        "breached": Count("id", filter=Q(response_outcome=Outcome.BREACHED)),
        # sla.response_outcome: pending while now <= deadline, overdue after.
        "pending": Count("id", filter=no_reply & Q(response_deadline__gte=now)),
        "overdue": Count("id", filter=no_reply & Q(response_deadline__lt=now)),
        "reasonable": Count("id", filter=Q(response_outcome=Outcome.NO_TARGET)),
        "lowered_before_response": Count("id", filter=Q(lowered_before_response=True)),
        "requests_pending": Count("id", filter=Q(severity_request=SeverityRequest.PENDING)),
        "requests_confirmed": Count("id", filter=Q(severity_request=SeverityRequest.CONFIRMED)),
        "requests_declined": Count("id", filter=Q(severity_request=SeverityRequest.DECLINED)),
    }


COUNT_FIELDS = tuple(_counts(_EPOCH))


@dataclass
class Row:
    """One line of an attainment table. Times in whole minutes; None where nothing to measure."""

    key: tuple[Any, ...]
    label: str
    cases: int = 0
    with_deadline: int = 0
    met: int = 0
    breached: int = 0
    pending: int = 0
    overdue: int = 0
    reasonable: int = 0
    lowered_before_response: int = 0
    requests_pending: int = 0
    requests_confirmed: int = 0
    requests_declined: int = 0
    median_wall: int | None = None
    p90_wall: int | None = None
    median_business: int | None = None
    p90_business: int | None = None
    mean_late_wall: float | None = None
    mean_late_business: float | None = None
    reasonable_responded: int = 0
    reasonable_median_wall: int | None = None
    filters: dict[str, Any] = field(default_factory=dict)  # what the row's links filter on
    links: dict[str, str] = field(default_factory=dict)  # count name -> case list URL (views)

    @property
    def decided(self) -> int:
        return self.met + self.breached + self.overdue

    @property
    def attainment(self) -> float | None:
        """met / (met + breached + overdue) as a percentage; None when nothing is decided."""
        return 100.0 * self.met / self.decided if self.decided else None

    @property
    def reasonable_unanswered(self) -> int:
        return self.reasonable - self.reasonable_responded

    def add_counts(self, values: dict[str, Any]) -> None:
        for name in COUNT_FIELDS:
            setattr(self, name, getattr(self, name) + int(values.get(name) or 0))


@dataclass(frozen=True)
class Attainment:
    by_level: list[Row]  # level x severity
    by_customer: list[Row]
    by_month: list[Row]
    total: Row
    terms: TermsIndex

    @property
    def reasonable(self) -> list[Row]:
        return [r for r in self.by_level if r.reasonable]


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


def attainment(f: Filters, now: dt.datetime, terms: TermsIndex | None = None) -> Attainment:
    """Attainment grouped three ways plus the total; five queries whatever the case count."""
    terms = terms or terms_index()
    counts = _counts(now)
    qs = cases_in(f)
    level_rows = {
        (v["level"], v["severity"]): v
        for v in qs.values("level", "severity").order_by().annotate(**counts)
    }
    customer_rows = {
        v["customer_id"]: v
        for v in qs.values("customer_id", "customer__name").order_by().annotate(**counts)
    }
    month_rows = {v["ym"]: v for v in qs.values(ym=_month_expr(f)).order_by().annotate(**counts)}
    times = _response_times(qs, f, terms)

    by_level = [
        _row(
            ("level", k),
            f"{terms.level_name(k[0])} · Sev {k[1]}",
            v,
            times,
            level=k[0],
            severity=k[1],
        )
        for k, v in sorted(level_rows.items(), key=lambda kv: (terms.level_order(kv[0][0]), kv[0]))
    ]
    by_customer = [
        _row(("customer", k), v["customer__name"], v, times, customer=k)
        for k, v in sorted(customer_rows.items(), key=lambda kv: (kv[1]["customer__name"], kv[0]))
    ]
    by_month = [
        _row(("month", ym), _ym(ym), month_rows.get(ym, {}), times, month=_ym(ym))
        for ym in _months(f.start, f.end)
    ]
    total = _row(("total",), "All cases", {}, times)
    for v in level_rows.values():
        total.add_counts(v)
    return Attainment(by_level, by_customer, by_month, total, terms)


def _row(key: tuple[Any, ...], label: str, counts: dict[str, Any], times: _Times, **f: Any) -> Row:
    row = Row(key, label, filters=f)
    row.add_counts(counts)
    times.fill(row)
    return row


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


@dataclass
class _Times:
    """Per responded case: group keys and minutes, as numpy arrays (one row per case)."""

    level: np.ndarray
    severity: np.ndarray
    customer: np.ndarray
    month: np.ndarray
    has_deadline: np.ndarray
    breached: np.ndarray
    wall: np.ndarray
    business: np.ndarray
    late_wall: np.ndarray
    late_business: np.ndarray

    def mask(self, key: tuple[Any, ...]) -> np.ndarray:
        if key[0] == "level":
            return (self.level == key[1][0]) & (self.severity == key[1][1])
        if key[0] == "customer":
            return self.customer == key[1]
        if key[0] == "month":
            return self.month == key[1]
        return np.ones(self.wall.shape, dtype=bool)

    def fill(self, row: Row) -> None:
        m = self.mask(row.key)
        timed = m & self.has_deadline
        row.median_wall, row.p90_wall = _nearest_rank(self.wall[timed])
        row.median_business, row.p90_business = _nearest_rank(self.business[timed])
        late = m & self.breached
        row.mean_late_wall = _mean(self.late_wall[late])
        row.mean_late_business = _mean(self.late_business[late])
        re = m & ~self.has_deadline
        row.reasonable_responded = int(re.sum())
        row.reasonable_median_wall = _nearest_rank(self.wall[re])[0]


def _nearest_rank(values: np.ndarray) -> tuple[int | None, int | None]:
    if values.size == 0:
        return None, None
    p = np.percentile(values, [50, 90], method="inverted_cdf")
    return int(p[0]), int(p[1])


def _mean(values: np.ndarray) -> float | None:
    return float(values.mean()) if values.size else None


_TIME_COLUMNS = (
    "level",
    "severity",
    "customer_id",
    "terms_version_id",
    "received_at",
    "first_response_at",
    "response_deadline",
    "response_outcome",
)


def _response_times(qs: QuerySet[Case], f: Filters, terms: TermsIndex) -> _Times:
    """One query: the columns percentiles and lateness need, for responded cases only."""
    rows = list(qs.filter(first_response_at__isnull=False).values_list(*_TIME_COLUMNS).order_by())
    n = len(rows)
    cols = list(zip(*rows, strict=True)) if rows else [()] * len(_TIME_COLUMNS)
    level = np.array(cols[0], dtype=object)
    terms_ids = np.array(cols[3], dtype=np.int64)
    received = np.fromiter((to_us(t) for t in cols[4]), dtype=np.int64, count=n)
    first = np.fromiter((to_us(t) for t in cols[5]), dtype=np.int64, count=n)
    has_deadline = np.fromiter((t is not None for t in cols[6]), dtype=bool, count=n)
    deadline = np.fromiter((to_us(t) if t else 0 for t in cols[6]), dtype=np.int64, count=n)
    breached = np.array(cols[7], dtype=object) == Outcome.BREACHED
    late_start = np.where(breached, deadline, first)  # zero-length span when not breached
    wall = (first - received) // _MIN_US
    late_wall = (first - late_start) // _MIN_US
    business = wall.copy()
    late_business = late_wall.copy()
    for terms_id, _key, sel in _business_groups(terms, terms_ids, level):
        cal = BusinessCalendar.from_terms(terms.by_id[terms_id].calendar)
        rec, fr, ls = (a[sel].view("datetime64[us]") for a in (received, first, late_start))
        business[sel] = between_minutes(cal, rec, fr)
        late_business[sel] = between_minutes(cal, ls, fr)
    return _Times(
        level,
        np.array(cols[1], dtype=np.int64),
        np.array(cols[2], dtype=np.int64),
        _month_of(f, received),
        has_deadline,
        breached,
        wall,
        business,
        late_wall,
        late_business,
    )


def _month_of(f: Filters, received: np.ndarray) -> np.ndarray:
    """YYYYMM per instant (epoch microseconds), the same months as _month_expr."""
    starts = _month_starts(f)
    bounds = np.array([to_us(until) for _, until in starts], dtype=np.int64)
    yms = np.array([ym for ym, _ in starts] + [0], dtype=np.int64)
    return yms[np.searchsorted(bounds, received, side="right")]


def _business_groups(
    terms: TermsIndex, terms_ids: np.ndarray, level: np.ndarray
) -> Iterator[tuple[int, str, np.ndarray]]:
    """(terms id, level, row selector) for each business-hours level present."""
    if not level.size:
        return
    for terms_id in np.unique(terms_ids):
        for key in set(level[terms_ids == terms_id]):
            if terms.business_only(int(terms_id), key):
                yield int(terms_id), key, (terms_ids == terms_id) & (level == key)


def business_minutes(
    terms: TermsIndex,
    terms_ids: Sequence[int],
    levels: Sequence[str],
    a: Sequence[int] | np.ndarray,
    b: Sequence[int] | np.ndarray,
) -> np.ndarray:
    """Whole minutes from a to b (epoch microseconds, a <= b), business time where it applies."""
    ua, ub = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    out = (ub - ua) // _MIN_US
    ids, lv = np.asarray(terms_ids, dtype=np.int64), np.asarray(levels, dtype=object)
    for terms_id, _key, sel in _business_groups(terms, ids, lv):
        cal = BusinessCalendar.from_terms(terms.by_id[terms_id].calendar)
        out[sel] = between_minutes(
            cal, ua[sel].view("datetime64[us]"), ub[sel].view("datetime64[us]")
        )
    return out


# -- severity changes and exclusions ---------------------------------------------------------


@dataclass
class SeverityRow:
    level: str
    label: str
    raised: int = 0
    lowered: int = 0
    lowered_before_response: int = 0
    requests_pending: int = 0
    requests_confirmed: int = 0
    requests_declined: int = 0


def severity_changes(f: Filters, result: Attainment) -> list[SeverityRow]:
    """Per level: changes raised/lowered (one query), request outcomes from the attainment."""
    changed = CaseEvent.objects.filter(
        kind=EventKind.SEVERITY_CHANGED,
        case__in=cases_in(f).values("id"),
    ).annotate(
        old=Cast(KT("data__from"), IntegerField()),
        new=Cast(KT("data__to"), IntegerField()),
    )
    per_level = {
        v["case__level"]: v
        for v in changed.values("case__level")
        .order_by()
        .annotate(
            raised=Count("id", filter=Q(new__lt=F("old"))),  # Severity 1 is the highest
            lowered=Count("id", filter=Q(new__gt=F("old"))),
        )
    }
    rows: dict[str, SeverityRow] = {}
    for r in result.by_level:
        level = r.key[1][0]
        row = rows.setdefault(level, SeverityRow(level, result.terms.level_name(level)))
        row.lowered_before_response += r.lowered_before_response
        row.requests_pending += r.requests_pending
        row.requests_confirmed += r.requests_confirmed
        row.requests_declined += r.requests_declined
    for level, v in per_level.items():
        row = rows.setdefault(level, SeverityRow(level, result.terms.level_name(level)))
        row.raised, row.lowered = v["raised"], v["lowered"]
    return sorted(rows.values(), key=lambda r: result.terms.level_order(r.level))


@dataclass(frozen=True)
class ExclusionRow:
    code: str
    text: str
    cases: int


def exclusions(f: Filters, terms: TermsIndex) -> list[ExclusionRow]:
    """Cases closed as out of scope, per exclusion code, with the text the customer saw."""
    counts: dict[str, int] = defaultdict(int)
    texts: dict[str, str] = {}
    for v in (
        cases_in(f)
        .filter(status=Status.EXCLUDED)
        .values("exclusion_code", "terms_version_id")
        .order_by()
        .annotate(n=Count("id"))
    ):
        code = v["exclusion_code"]
        counts[code] += v["n"]
        version = terms.by_id.get(v["terms_version_id"])
        texts.setdefault(code, version.exclusions.get(code, "") if version else "")
    order = list(terms.latest.exclusions) if terms.latest else []
    return [
        ExclusionRow(code, texts[code], counts[code])
        for code in sorted(counts, key=lambda c: (order.index(c) if c in order else 99, c))
    ]


# -- quota -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerLine:
    at: dt.datetime
    kind: str
    case_ref: str
    actor: str
    reason: str


@dataclass
class QuotaYear:
    subscription: Subscription
    year_start: dt.date
    year_end: dt.date
    limit: int
    ledger: list[LedgerLine]

    @property
    def used(self) -> int:
        """Cases whose charges (and overrides) outnumber their refunds: quota_status's rule."""
        net: dict[str, int] = defaultdict(int)
        for line in self.ledger:
            net[line.case_ref] += -1 if line.kind == QuotaEntry.Kind.REFUND else 1
        return sum(1 for n in net.values() if n > 0)

    def _count(self, kind: str) -> int:
        return sum(1 for line in self.ledger if line.kind == kind)

    @property
    def charges(self) -> int:
        return self._count(QuotaEntry.Kind.CHARGE)

    @property
    def refunds(self) -> int:
        return self._count(QuotaEntry.Kind.REFUND)

    @property
    def overrides(self) -> int:
        return self._count(QuotaEntry.Kind.OVERRIDE)

    @property
    def over_limit(self) -> bool:
        return self.used > self.limit


def quota_use(on: dt.date, customer_id: int | None = None) -> list[QuotaYear]:
    """Every subscription year up to `on` of each subscription with a quota, with its ledger.

    Two queries: the subscriptions, then every ledger entry of those with a quota.
    """
    subs = Subscription.objects.select_related("customer", "terms_version").order_by(
        "customer__name", "starts_on", "id"
    )
    if customer_id:
        subs = subs.filter(customer_id=customer_id)
    limited = [s for s in subs if s.level in s.terms.levels and s.level_terms.quota is not None]
    entries = (
        QuotaEntry.objects.filter(subscription__in=[s.pk for s in limited])
        .values_list("subscription_id", "year_start", "at", "kind", "case_ref", "reason")
        .annotate(actor_name=F("actor__username"))
        .order_by("at", "id")
    )
    ledger: dict[tuple[int, dt.date], list[LedgerLine]] = defaultdict(list)
    for sub_id, year_start, at, kind, ref, reason, actor in entries:
        ledger[(sub_id, year_start)].append(LedgerLine(at, kind, ref, actor or "system", reason))
    out = []
    for sub in limited:
        quota = sub.level_terms.quota
        assert quota is not None
        for start, end in _years(sub, min(on, sub.ends_on)):
            out.append(QuotaYear(sub, start, end, quota.limit, ledger.get((sub.pk, start), [])))
    return out


def _years(sub: Subscription, last: dt.date) -> Iterable[tuple[dt.date, dt.date]]:
    start, end = subscription_year(sub, sub.starts_on)
    yield start, end
    while end < last:
        start, end = subscription_year(sub, end + dt.timedelta(days=1))
        yield start, end


# -- per-case rows ---------------------------------------------------------------------------

CASE_COLUMNS = (
    "tracking_number",
    "customer",
    "level",
    "severity",
    "channel",
    "status",
    "received_at",
    "response_deadline",
    "first_response_at",
    "outcome",
    "response_minutes",
    "response_business_minutes",
    "late_minutes",
    "late_business_minutes",
    "lowered_before_response",
    "severity_request",
    "exclusion_code",
)

_CASE_FIELDS = (
    "tracking_number",
    "customer__name",
    "level",
    "severity",
    "channel",
    "status",
    "received_at",
    "response_deadline",
    "first_response_at",
    "response_outcome",
    "lowered_before_response",
    "severity_request",
    "exclusion_code",
    "terms_version_id",
)


def case_rows_query(
    f: Filters,
    now: dt.datetime,
    *,
    severity: int | None = None,
    month: str = "",
    outcome: str = "",
) -> QuerySet[Case]:
    """The cases behind a number on the overview: same filters, plus one cell's own."""
    qs = cases_in(f)
    if severity:
        qs = qs.filter(severity=severity)
    if month:
        year, mon = (int(p) for p in month.split("-"))
        qs = qs.annotate(ym=_month_expr(f)).filter(ym=year * 100 + mon)
    no_reply = Q(response_outcome=Outcome.PENDING)
    by_outcome = {
        "met": Q(response_outcome=Outcome.MET),
        "breached": Q(response_outcome=Outcome.BREACHED),
        "pending": no_reply & Q(response_deadline__gte=now),
        "overdue": no_reply & Q(response_deadline__lt=now),
        "reasonable": Q(response_outcome=Outcome.NO_TARGET),
        "with_deadline": Q(response_deadline__isnull=False),
        "lowered": Q(lowered_before_response=True),
        "excluded": Q(status=Status.EXCLUDED),
    }
    if outcome in by_outcome:
        qs = qs.filter(by_outcome[outcome])
    return qs.order_by("received_at", "id")


CASE_OUTCOMES = ("met", "breached", "pending", "overdue", "reasonable", "with_deadline", "lowered")


def case_rows(
    qs: QuerySet[Case], now: dt.datetime, terms: TermsIndex, *, chunk: int = 2000
) -> Iterator[dict[str, Any]]:
    """Per-case rows with outcome and minutes, computed a chunk at a time (for streaming)."""
    batch: list[tuple[Any, ...]] = []
    for values in qs.values_list(*_CASE_FIELDS).iterator(chunk_size=chunk):
        batch.append(values)
        if len(batch) == chunk:
            yield from _rows_of(batch, now, terms)
            batch = []
    if batch:
        yield from _rows_of(batch, now, terms)


def _rows_of(batch: list[tuple[Any, ...]], now: dt.datetime, terms: TermsIndex) -> list[dict]:
    now_us = to_us(now)
    spans: list[tuple[int, int, int, int]] = []  # received, first reply or now, late from, to
    outcomes = []
    for v in batch:
        received, deadline, first = to_us(v[6]), v[7], v[8]
        status = _status(v[9], deadline, now)
        end = to_us(first) if first else now_us
        late = to_us(deadline) if status in ("breached", "overdue") else end
        spans.append((received, end, late, end))
        outcomes.append(status)
    ids = [v[13] for v in batch]
    levels = [v[2] for v in batch]
    arr = np.array(spans, dtype=np.int64).reshape(-1, 4)
    resp_b = business_minutes(terms, ids, levels, arr[:, 0], arr[:, 1])
    late_b = business_minutes(terms, ids, levels, arr[:, 2], arr[:, 3])
    out = []
    for i, v in enumerate(batch):
        responded, late = v[8] is not None, outcomes[i] in ("breached", "overdue")
        out.append(
            {
                "tracking_number": v[0],
                "customer": v[1],
                "level": v[2],
                "severity": v[3],
                "channel": v[4],
                "status": v[5],
                "received_at": v[6],
                "response_deadline": v[7],
                "first_response_at": v[8],
                "outcome": outcomes[i],
                "response_minutes": (arr[i, 1] - arr[i, 0]) // _MIN_US if responded else None,
                "response_business_minutes": int(resp_b[i]) if responded else None,
                "late_minutes": (arr[i, 3] - arr[i, 2]) // _MIN_US if late else None,
                "late_business_minutes": int(late_b[i]) if late else None,
                "lowered_before_response": v[10],
                "severity_request": v[11],
                "exclusion_code": v[12],
            }
        )
    return out


def _status(stored: str, deadline: dt.datetime | None, now: dt.datetime) -> str:
    if stored == Outcome.NO_TARGET:
        return "reasonable_efforts"
    if stored:
        return stored
    return "pending" if deadline is not None and now <= deadline else "overdue"
