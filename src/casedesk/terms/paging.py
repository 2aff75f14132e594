"""Who is paged: the terms' alert settings applied to a level and a severity (pure)."""

from __future__ import annotations

from .document import Terms


def pages_on_duty(terms: Terms, level_key: str, severity: int | None) -> bool:
    """Terms + DESIGN: Severity 1 (alerts.page_severities) pages the on-duty engineer on 24x7
    levels; business-hours levels only when alerts.page_business_hours says so."""
    alerts = terms.alerts
    if terms.level(level_key).business_hours_only and not alerts.page_business_hours:
        return False
    return severity in alerts.page_severities
