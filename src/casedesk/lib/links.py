"""Absolute links for mail and pager payloads, on the public base URL (CASEDESK_BASE_URL)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def absolute(path: str) -> str:
    """`path` (from `reverse()`) on the configured public base URL."""
    return f"{settings.CASEDESK_BASE_URL.rstrip('/')}{path}"


def portal_case_url(tracking_number: str) -> str:
    """The case page a support contact follows (the portal)."""
    return absolute(reverse("portal:case", args=[tracking_number]))


def console_case_url(tracking_number: str) -> str:
    """The case page an engineer works on (the console)."""
    return absolute(reverse("console:case", args=[tracking_number]))
