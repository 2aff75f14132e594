"""Where Django code gets the terms document: settings.CASEDESK_TERMS or the packaged default.

The one reader of that setting: the CLI parses it here, and the customers services store the
same text as the TermsVersion new subscriptions are signed under.
"""

from __future__ import annotations

from django.conf import settings

from casedesk.terms import Terms, default_terms, parse_terms
from casedesk.terms.document import default_terms_text, read_terms_text


def configured_terms_text() -> str:
    """The configured terms file's text; TermsError naming the file when it cannot be read."""
    path = settings.CASEDESK_TERMS
    return read_terms_text(path) if path else default_terms_text()


def current_terms() -> Terms:
    """The terms new subscriptions are signed under."""
    path = settings.CASEDESK_TERMS
    return parse_terms(configured_terms_text(), path) if path else default_terms()
