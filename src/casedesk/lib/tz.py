"""Times shown in a zone: the one place that turns an instant into a zone's date or words."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

# The product's one date-time format, "Tue 17 Nov 2026, 09:00 PST": pages, mail, pager, CLI.
DAY_AND_TIME = "%a %d %b %Y, %H:%M %Z"
# Its short form for table cells, "17 Nov 2026, 09:00 PST".
SHORT = "%d %b %Y, %H:%M %Z"


def in_zone(t: dt.datetime, tz: str) -> dt.datetime:
    return t.astimezone(ZoneInfo(tz))


def local_text(t: dt.datetime, tz: str, fmt: str = DAY_AND_TIME) -> str:
    """`t` on the wall clock of `tz`, with the zone's abbreviation (DST-correct)."""
    return in_zone(t, tz).strftime(fmt)


def local_date(t: dt.datetime, tz: str) -> dt.date:
    """The calendar day `t` falls on in `tz` (not the UTC date)."""
    return in_zone(t, tz).date()
