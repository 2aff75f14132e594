from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

PT = ZoneInfo("America/Los_Angeles")


def pt(*args: int) -> dt.datetime:
    """An instant given as Pacific wall time, returned in UTC."""
    return dt.datetime(*args, tzinfo=PT).astimezone(dt.UTC)
