"""Issue 17: what a contact's subscription promises, as the portal's subscription page shows it:
the response targets, the vendor's hours in both zones with the next holidays, the contact
limit, the incident quota and its ledger, patches, the Project/Application description."""

from __future__ import annotations

import datetime as dt
from typing import Any

from casedesk.customers import services as customers
from casedesk.customers.models import QuotaEntry, Subscription, SupportContact
from casedesk.terms import hours

HOLIDAYS_SHOWN = 5


def response_targets(sub: Subscription) -> list[dict[str, Any]]:
    """The level's first-response target per severity (the portal's page and the API)."""
    terms, level = sub.terms, sub.level_terms
    return [
        {
            "number": n,
            "severity": terms.severity(n).name,
            "target": str(level.target(n)),
            "has_deadline": level.target(n).has_deadline,
        }
        for n in (1, 2, 3, 4)
    ]


def business_hours(sub: Subscription, on: dt.date, tz: str) -> dict[str, Any]:
    """The vendor's hours, that next business day's hours in `tz`, the next holidays."""
    cal = sub.terms.calendar
    day = hours.next_business_day(cal, on)
    return {
        "vendor": hours.vendor_hours_text(cal),
        "yours": hours.hours_in_zone(cal, day, tz),
        "day": day,
        "holidays": hours.next_holidays(cal, on, HOLIDAYS_SHOWN),
    }


def _ledger(sub: Subscription, status: customers.QuotaStatus) -> list[QuotaEntry]:
    """This subscription year's ledger lines, oldest first (what was charged and given back)."""
    return list(sub.quota_entries.filter(year_start=status.year_start).order_by("at", "id"))


def subscription_row(
    sub: Subscription, contact: SupportContact, now: dt.datetime
) -> dict[str, Any]:
    on = sub.local_date(now)  # "today" on the terms' calendar, never the UTC date
    notice = customers.quota_notice(sub, now)
    return {
        "sub": sub,
        "level": sub.level_terms,
        "limit": customers.contact_limit_text(sub),
        "quota": notice,
        "ledger": _ledger(sub, notice.status) if notice else [],
        "current": sub.status_on(on) == "current",
        "targets": response_targets(sub),
        "hours": business_hours(sub, on, contact.time_zone),
    }
