"""Where Django code gets terms documents: the configured file or the packaged default."""

from __future__ import annotations

from django.conf import settings

from casedesk.terms import Terms, default_terms, load_terms


def current_terms() -> Terms:
    """The terms new subscriptions are signed under."""
    path = settings.CASEDESK_TERMS
    return load_terms(path) if path else default_terms()
