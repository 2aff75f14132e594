"""Storing the terms a subscription is signed under: a version string names one text forever."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction

from casedesk.lib import clock
from casedesk.terms import TermsError, parse_terms

from ..models import TermsVersion
from . import terms_source
from .errors import EntitlementError


def configured_terms_text() -> str:
    """settings.CASEDESK_TERMS read as text, or the packaged default terms."""
    try:
        return terms_source.configured_terms_text()
    except TermsError as exc:
        raise EntitlementError(
            f"CASEDESK_TERMS={settings.CASEDESK_TERMS} cannot be read ({exc.describe()}); point "
            "it at a terms file."
        ) from None


def terms_version_for(text: str | None = None) -> TermsVersion:
    """The stored version of `text` (the configured terms when None), stored on first use.

    Raises EntitlementError when the text is invalid, or when its version string is already
    stored with a different text: a version is immutable, a change needs a new `version`.
    """
    text = configured_terms_text() if text is None else text
    try:
        terms = parse_terms(text)
    except TermsError as exc:
        raise EntitlementError(f"The terms are not valid: {exc.describe()}") from None
    stored = TermsVersion.objects.filter(version=terms.version).first()
    if stored is None:
        try:
            with transaction.atomic():
                return TermsVersion.objects.create(
                    version=terms.version, text=text, created_at=clock.now()
                )
        except IntegrityError:
            # Another process stored this version first; compare with what it stored.
            stored = TermsVersion.objects.get(version=terms.version)
    if stored.text != text:
        raise EntitlementError(
            f'Terms version "{terms.version}" is already stored with a different text; a version '
            "never changes once subscriptions may use it — publish the change under a new "
            "`version` string."
        )
    return stored


def current_terms_version() -> TermsVersion:
    """The terms new subscriptions are signed under (settings.CASEDESK_TERMS or the default)."""
    return terms_version_for(None)
