"""The product's date-time formats in templates: `{{ t|when:tz }}` and `{{ t|when_short:tz }}`
(casedesk.lib.tz holds the formats; nothing else formats a moment for people)."""

from __future__ import annotations

import datetime as dt

from django import template

from casedesk.lib.tz import SHORT, local_text

register = template.Library()


@register.filter
def when(t: dt.datetime | None, tz: str) -> str:
    """ "Mon 23 Nov 2026, 16:30 PST"; empty for no moment."""
    return local_text(t, tz) if t else ""


@register.filter
def when_short(t: dt.datetime | None, tz: str) -> str:
    """ "23 Nov 2026, 16:30 PST", for table cells."""
    return local_text(t, tz, SHORT) if t else ""
