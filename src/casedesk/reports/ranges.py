"""Report date ranges against the data: a range reaching past the cases is cut to them."""

from __future__ import annotations

import datetime as dt


def clamp_to_data(
    start: dt.date, end: dt.date, span: tuple[dt.date, dt.date]
) -> tuple[dt.date, dt.date]:
    """The part of start..end inside `span`; a range wholly outside it is left as asked (it is
    empty either way, and saying so beats showing other dates)."""
    first, last = span
    if end < first or start > last:
        return start, end
    return max(start, first), min(end, last)
