"""The contact's subscription as the API shows it: what the incident quota leaves, read before a
case is opened or a severity is asked for (the same words as the portal's forms)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from casedesk.cases import services as cs
from casedesk.cases.models import Case
from casedesk.cases.wording import coverage_words
from casedesk.customers import services as customers
from casedesk.customers.models import Subscription
from casedesk.lib import clock
from casedesk.portal import subscription_page

from .caller import ERRORS, require_contact

router = Router(tags=["subscription"])


class QuotaOut(Schema):
    severities: list[int] = Field(description="The severities an incident is charged for.")
    used: int
    limit: int
    renews_on: dt.date = Field(description="The day the count starts again.")
    exhausted: bool
    text: str = Field(
        description='Such as "9 of 10 Severity 1/2 incidents used this subscription year (renews …)".'
    )


class TargetOut(Schema):
    severity: int = Field(description="1 to 4.")
    name: str = Field(description='The terms\' name, such as "Severity 1".')
    target: str = Field(
        description='The first response within, such as "1 hour", "1 business day" or '
        '"reasonable efforts" (no deadline).'
    )
    has_deadline: bool = Field(description="False for reasonable efforts: no deadline.")


class HolidayOut(Schema):
    date: dt.date
    name: str


class HoursOut(Schema):
    coverage: str = Field(description='"24x7x365", or the business hours the level covers.')
    vendor: str = Field(description='Such as "Mon–Fri 09:00–17:00 America/Los_Angeles, …".')
    next_business_day: dt.date = Field(description="The vendor's next business day from today.")
    in_your_zone: str = Field(
        description="That day's business hours on the contact's clock (their time zone)."
    )
    next_holidays: list[HolidayOut] = Field(description="The next holidays the vendor observes.")


class SubscriptionOut(Schema):
    id: int = Field(description="For /api/subscriptions/{id}/description.")
    level: str
    starts_on: dt.date
    ends_on: dt.date
    response_targets: list[TargetOut] = Field(
        description="The level's first-response target per severity, counted from receipt "
        "(or from an engineer's confirmation of a requested severity)."
    )
    business_hours: HoursOut
    quota: QuotaOut | None = Field(description="Null on levels without an incident quota.")
    warnings: list[str] = Field(
        description="What to know before choosing a severity: the quota's standing and, when it "
        "is used up, that a Severity 1 or 2 request will likely be declined."
    )


def case_warnings(case: Case, wanted: int | None, at: dt.datetime) -> list[str]:
    """The quota notice when the case holds, asks for or was opened wanting a quota severity."""
    notice = customers.quota_notice(case.subscription, at)
    asked = {wanted, case.severity, case.requested_severity}
    if notice is None or not asked & set(notice.severities):
        return []
    return notice.lines


@router.get(
    "/subscription",
    response={200: SubscriptionOut, **ERRORS},
    summary="The contact's subscription and incident quota",
)
def subscription(request: HttpRequest) -> dict[str, Any]:
    """The subscription new cases open under, with the incident quota's standing now."""
    contact = require_contact(request, "read their subscription")
    now = clock.now()
    try:
        sub = customers.customer_subscription(contact.customer, now)
    except customers.EntitlementError as exc:
        raise cs.NotEntitled(exc.message) from None
    notice = customers.quota_notice(sub, now)
    quota = None
    if notice is not None:
        status = notice.status
        quota = {
            "severities": list(notice.severities),
            "used": status.used,
            "limit": status.limit,
            "renews_on": status.renews_on,
            "exhausted": status.exhausted,
            "text": notice.text,
        }
    return {
        "id": sub.pk,
        "level": sub.level_terms.name,
        "starts_on": sub.starts_on,
        "ends_on": sub.ends_on,
        "response_targets": [
            {k: t[k] for k in ("target", "has_deadline")}
            | {"severity": t["number"], "name": t["severity"]}
            for t in subscription_page.response_targets(sub)
        ],
        "business_hours": _hours(sub, contact.time_zone, now),
        "quota": quota,
        "warnings": notice.lines if notice else [],
    }


def _hours(sub: Subscription, tz: str, now: dt.datetime) -> dict[str, Any]:
    hours = subscription_page.business_hours(sub, sub.local_date(now), tz)
    return {
        "coverage": coverage_words(sub.level_terms, sub.terms),
        "vendor": hours["vendor"],
        "next_business_day": hours["day"],
        "in_your_zone": hours["yours"],
        "next_holidays": [{"date": d, "name": n} for d, n in hours["holidays"]],
    }
