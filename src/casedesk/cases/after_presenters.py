"""What the pages show of a case's life after the first response (issue 16), for the portal,
the console and the API alike: the non-production flag and how the case was resolved."""

from __future__ import annotations

from casedesk.cases.after_wording import resolution_words
from casedesk.cases.models import Case, Environment, EventKind, Status
from casedesk.terms.scope import non_production_flag


def environment_flag(case: Case) -> str | None:
    """Severity 1 or 2 (held or asked for) outside production: the definition's words."""
    if case.environment != Environment.NON_PRODUCTION:
        return None
    severity = min(case.severity, case.requested_severity or case.severity)
    if severity > 2:
        return None
    return non_production_flag(case.terms_version.terms, severity)


def resolution(case: Case) -> str:
    """How the case was resolved (or is scheduled to be), from its last resolution event."""
    if case.status not in (Status.RESOLVED, Status.FIX_SCHEDULED) or not case.resolution:
        return ""
    event = (
        case.events.filter(kind__in=[EventKind.RESOLVED, EventKind.FIX_RELEASED])
        .order_by("-at", "-id")
        .first()
    )
    if event is None:
        return ""
    if event.kind == EventKind.FIX_RELEASED:
        return f"Fixed in release {event.data.get('release')} (generally available)"
    if case.status == Status.FIX_SCHEDULED:
        return f"Fix scheduled in release {event.data.get('release')}, GA {event.data.get('ga_on')}"
    return resolution_words(event.data).capitalize()
