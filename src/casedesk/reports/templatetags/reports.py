"""Number formats for the report pages: minutes as hours, percentages, empty cells as a dash."""

from __future__ import annotations

from django import template

from casedesk.reports.visuals import tone as _tone

register = template.Library()

DASH = "–"


@register.filter
def minutes(value: float | int | None) -> str:
    """45 -> "45 min", 125 -> "2 h 05 min", 1.5 -> "1.5 min"; None -> a dash."""
    if value is None:
        return DASH
    if isinstance(value, float) and value < 60:
        return f"{value:.1f} min"
    whole = int(round(value))
    if whole < 60:
        return f"{whole} min"
    hours, mins = divmod(whole, 60)
    return f"{hours} h {mins:02d} min"


@register.filter
def pct(value: float | None) -> str:
    return DASH if value is None else f"{value:.1f} %"


@register.filter
def tone(value: float | None) -> str:
    """ok / warn / bad / none: the heat-map cell's class for an attainment percentage."""
    return _tone(value)
