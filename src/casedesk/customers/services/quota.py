"""The incident quota ledger: charge, refund and override, per subscription year.

A case is charged at most once per subscription year. Its standing is the sum of its entries
(charge and override +1, refund -1), so a refunded case that is raised again is charged again.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Sum, Value, When

from ..models import QuotaEntry, Subscription
from .entitlement import subscription_year
from .errors import EntitlementError, QuotaExceeded, require_agent

_NET = Sum(
    Case(
        When(kind=QuotaEntry.Kind.REFUND, then=Value(-1)),
        default=Value(1),
        output_field=IntegerField(),
    )
)


@dataclass(frozen=True)
class QuotaStatus:
    used: int
    limit: int | None  # None: unlimited
    year_start: dt.date
    year_end: dt.date  # last day of the subscription year (inclusive)
    text: str
    exhausted: bool

    @property
    def renews_on(self) -> dt.date:
        return self.year_end + dt.timedelta(days=1)


def quota_applies(subscription: Subscription, severity: int) -> bool:
    """Does holding `severity` charge an incident on this subscription's level?"""
    quota = subscription.level_terms.quota
    return quota is not None and severity in quota.severities


def _used(
    subscription: Subscription, year_start: dt.date, entries: Iterable[QuotaEntry] | None
) -> int:
    """Cases charged in the year (see charged_cases).

    `entries`: the subscription's entries already read (a list page reads them for every row
    at once); None reads them here.
    """
    if entries is None:
        entries = QuotaEntry.objects.filter(subscription=subscription, year_start=year_start)
    return charged_cases(e for e in entries if e.year_start == year_start)


class _Line(Protocol):
    @property
    def case_ref(self) -> str: ...
    @property
    def kind(self) -> str: ...


def charged_cases(lines: Iterable[_Line]) -> int:
    """Cases whose charges (and overrides) outnumber their refunds in one year's ledger."""
    net: Counter[str] = Counter()
    for line in lines:
        net[line.case_ref] += -1 if line.kind == QuotaEntry.Kind.REFUND else 1
    return sum(1 for n in net.values() if n > 0)


def _status(
    subscription: Subscription, on: dt.date, entries: Iterable[QuotaEntry] | None = None
) -> QuotaStatus:
    start, end = subscription_year(subscription, on)
    quota = subscription.level_terms.quota
    used = _used(subscription, start, entries)
    renews = end + dt.timedelta(days=1)
    if quota is None:
        return QuotaStatus(used, None, start, end, f"{used} used, unlimited", False)
    # "until" names the day the count starts again (the next anniversary).
    text = f"{used} of {quota.limit} used until {renews}"
    return QuotaStatus(used, quota.limit, start, end, text, used >= quota.limit)


def quota_status(
    subscription: Subscription, at: dt.datetime, entries: Iterable[QuotaEntry] | None = None
) -> QuotaStatus:
    """Incidents charged in the subscription year holding `at` (its date in the terms' zone).

    `entries`: all the subscription's ledger entries when the caller has them (prefetched).
    """
    return _status(subscription, subscription.local_date(at), entries)


def _case_standing(
    subscription: Subscription, year_start: dt.date, case_ref: str
) -> tuple[int, int]:
    """(net charges, charges ever) of one case in one year."""
    entries = QuotaEntry.objects.filter(
        subscription=subscription, year_start=year_start, case_ref=case_ref
    )
    kinds = list(entries.values_list("kind", flat=True))
    charges = sum(1 for k in kinds if k != QuotaEntry.Kind.REFUND)
    return charges - (len(kinds) - charges), charges


def charge_incident(
    actor: Any,
    subscription: Subscription,
    *,
    case_ref: str,
    at: dt.datetime,
    override_reason: str = "",
) -> QuotaEntry | None:
    """Charge one incident for `case_ref`; None if already charged this year or unlimited.

    When the quota is used up, raises QuotaExceeded unless a support engineer gives an
    `override_reason`; the charge is then recorded as kind "override" with that reason.
    """
    if subscription.level_terms.quota is None:
        return None
    override_reason = override_reason.strip()
    with transaction.atomic():
        # Serialises charges per subscription on PostgreSQL (SQLite: IMMEDIATE transactions);
        # the unique constraints on the ledger hold on both.
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        status = quota_status(subscription, at)
        net, charges = _case_standing(subscription, status.year_start, case_ref)
        if net > 0:
            return None
        kind = QuotaEntry.Kind.CHARGE
        if status.exhausted:
            if not override_reason:
                raise QuotaExceeded(_exceeded(subscription, status), status)
            require_agent(actor, "override the incident quota")
            kind = QuotaEntry.Kind.OVERRIDE
        try:
            with transaction.atomic():
                return QuotaEntry.objects.create(
                    subscription=subscription,
                    year_start=status.year_start,
                    case_ref=case_ref,
                    kind=kind,
                    occurrence=charges + 1,
                    actor=actor,
                    reason=override_reason if kind == QuotaEntry.Kind.OVERRIDE else "",
                    at=at,
                )
        except IntegrityError:
            return None  # charged concurrently by another request: once is enough


def _exceeded(subscription: Subscription, status: QuotaStatus) -> str:
    quota = subscription.level_terms.quota
    assert quota is not None
    severities = "/".join(str(s) for s in quota.severities)
    return (
        f"{subscription.customer.name}'s {subscription.level_name} subscription has used its "
        f"Severity {severities} incidents: {status.text}; a support engineer can override "
        "with a reason."
    )


def _charged_years(subscription: Subscription, case_ref: str) -> Any:
    """The years (as `{"year_start": ...}` rows) in which `case_ref` holds a net charge."""
    return (
        QuotaEntry.objects.filter(subscription=subscription, case_ref=case_ref)
        .values("year_start")
        .annotate(net=_NET)
        .filter(net__gt=0)
    )


def holds_charge(subscription: Subscription, case_ref: str) -> bool:
    """Does `case_ref` hold an incident charge (not refunded) in any subscription year?"""
    return bool(_charged_years(subscription, case_ref).exists())


def refund_incident(
    actor: Any, subscription: Subscription, *, case_ref: str, at: dt.datetime, reason: str
) -> QuotaEntry | None:
    """Give back the incident charged for `case_ref` (in whichever year it was charged).

    None on unlimited levels; EntitlementError when the case holds no charge.
    """
    if subscription.level_terms.quota is None:
        return None
    require_agent(actor, "refund incidents")
    if not reason.strip():
        raise EntitlementError("A refund needs a reason; say why the incident is given back.")
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        years = _charged_years(subscription, case_ref).order_by("-year_start")
        if not years:
            raise EntitlementError(
                f"{case_ref} holds no incident charge on {subscription.customer.name}'s "
                f"{subscription.level_name} subscription, so there is nothing to refund."
            )
        year_start = years[0]["year_start"]
        _, charges = _case_standing(subscription, year_start, case_ref)
        return QuotaEntry.objects.create(
            subscription=subscription,
            year_start=year_start,
            case_ref=case_ref,
            kind=QuotaEntry.Kind.REFUND,
            occurrence=charges,
            actor=actor,
            reason=reason.strip(),
            at=at,
        )
