"""Incident quota use per subscription year, with each year's ledger."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F

from casedesk.customers.models import QuotaEntry, Subscription
from casedesk.customers.services import charged_cases, subscription_year


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
        """quota_status's rule, on this year's ledger."""
        return charged_cases(self.ledger)

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
        for start, end in subscription_years(sub, min(on, sub.ends_on)):
            out.append(QuotaYear(sub, start, end, quota.limit, ledger.get((sub.pk, start), [])))
    return out


def subscription_years(sub: Subscription, last: dt.date) -> Iterable[tuple[dt.date, dt.date]]:
    """(first day, last day) of each of the subscription's years up to the one holding `last`."""
    start, end = subscription_year(sub, sub.starts_on)
    yield start, end
    while end < last:
        start, end = subscription_year(sub, end + dt.timedelta(days=1))
        yield start, end
