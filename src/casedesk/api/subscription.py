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
from casedesk.customers import services as customers
from casedesk.lib import clock

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


class SubscriptionOut(Schema):
    level: str
    starts_on: dt.date
    ends_on: dt.date
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
        "level": sub.level_terms.name,
        "starts_on": sub.starts_on,
        "ends_on": sub.ends_on,
        "quota": quota,
        "warnings": notice.lines if notice else [],
    }
