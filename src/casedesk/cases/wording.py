"""The terms in the words a customer or an engineer reads, never the document's keys."""

from __future__ import annotations

from casedesk.terms.document import Level, Terms
from casedesk.terms.durations import Target

WEEKDAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}


def coverage_words(level: Level, terms: Terms) -> str:
    """ "24x7x365", or "Business hours, 09:00–17:00 America/Los_Angeles, Monday to Friday"."""
    if not level.business_hours_only:
        return level.coverage
    cal = terms.calendar
    days = [WEEKDAY_NAMES[d] for d in cal.business_days]
    span = f"{days[0]} to {days[-1]}" if len(days) > 2 else " and ".join(days)
    return (
        f"Business hours, {cal.opens:%H:%M}–{cal.closes:%H:%M} {cal.timezone}, {span} "
        "except holidays"
    )


def target_words(target: Target) -> str:
    """ "4 hours", "1 business day", or "No deadline — reasonable efforts"."""
    if not target.has_deadline:
        return "No deadline — reasonable efforts"
    return str(target)


def severity_words(terms: Terms, number: int) -> str:
    """ "Severity 2 — High impact: production disrupted, no present loss of revenue." """
    severity = terms.severity(number)
    return f"{severity.name} — {severity.summary}" if severity.summary else severity.name


def level_words(terms: Terms, key: str) -> str:
    """ "Premium (24x7x365)" for the level key "premium"."""
    level = terms.level(key)
    return f"{level.name} ({coverage_words(level, terms)})"


# A response outcome (terms.sla.OutcomeStatus) and the report filters' outcomes, as badges read.
OUTCOME_WORDS = {
    "met": "Met",
    "breached": "Breached",
    "pending": "Pending",
    "overdue": "Overdue",
    "no_target": "Reasonable efforts",
    "reasonable": "Reasonable efforts",
    "reasonable_efforts": "Reasonable efforts",
    "with_deadline": "With a deadline",
    "lowered": "Lowered before the first response",
    "excluded": "Excluded",
}


def outcome_words(status: str) -> str:
    return OUTCOME_WORDS.get(status, status.replace("_", " ").capitalize())
