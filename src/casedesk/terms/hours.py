"""The vendor's business hours and holidays as a customer reads them (pure): in the vendor's
zone, in the contact's zone on the next business day (DST-correct for that day), and the next
holidays the vendor observes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from .calendar import BusinessCalendar
from .document import Calendar

_DAY_NAMES = {"mon": "Mon", "tue": "Tue", "wed": "Wed", "thu": "Thu", "fri": "Fri"}
_DAY_NAMES |= {"sat": "Sat", "sun": "Sun"}


def business_days_text(cal: Calendar) -> str:
    """ "Mon–Fri" for a run of weekdays, else the days listed ("Mon, Wed, Fri")."""
    names = [_DAY_NAMES[d] for d in cal.business_days]
    order = list(_DAY_NAMES)
    idx = [order.index(d) for d in cal.business_days]
    if len(idx) > 2 and idx == list(range(idx[0], idx[0] + len(idx))):
        return f"{names[0]}–{names[-1]}"
    return ", ".join(names)


def vendor_hours_text(cal: Calendar) -> str:
    """ "Mon–Fri 09:00–17:00 America/Los_Angeles, except holidays"."""
    return (
        f"{business_days_text(cal)} {cal.opens:%H:%M}–{cal.closes:%H:%M} {cal.timezone}, "
        "except holidays"
    )


def next_business_day(cal: Calendar, after: dt.date) -> dt.date:
    """The first business day on or after `after` (the vendor's dates)."""
    bc = BusinessCalendar.from_terms(cal)
    day = after
    while not bc.is_business_day(day):
        day += dt.timedelta(days=1)
    return day


def hours_in_zone(cal: Calendar, day: dt.date, tz: str) -> str:
    """That business day's hours on the contact's clock: "Mon 18:00 – Tue 02:00 CET"."""
    vendor = ZoneInfo(cal.timezone)
    zone = ZoneInfo(tz)
    opens = dt.datetime.combine(day, cal.opens, vendor).astimezone(zone)
    closes = dt.datetime.combine(day, cal.closes, vendor).astimezone(zone)
    return f"{opens:%a %H:%M} – {closes:%a %H:%M %Z} ({tz})"


def next_holidays(cal: Calendar, after: dt.date, count: int = 5) -> list[tuple[dt.date, str]]:
    """The next `count` holidays the vendor observes, from `after` on, with their names."""
    bc = BusinessCalendar.from_terms(cal)
    found: list[tuple[dt.date, str]] = []
    for year in (after.year, after.year + 1):
        found += sorted((d, n) for d, n in bc.holidays(year).items() if d >= after)
    return found[:count]
