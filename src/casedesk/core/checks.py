"""System checks for settings that are each valid alone but wrong together."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=False)
def insecure_cookies_behind_https(**kwargs: Any) -> list[CheckMessage]:
    """A public https:// address with cookies that still go out over plain HTTP.

    Runs without --deploy so that `casedesk serve` prints it at every start: a session cookie
    without the Secure flag can leak over any http:// request to the same host.
    """
    base_url = os.environ.get("CASEDESK_BASE_URL", "").strip()
    if settings.DEBUG or not base_url.lower().startswith("https://"):
        return []
    if settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE:
        return []
    return [
        Warning(
            f"casedesk is served at {base_url} but its session and CSRF cookies are not marked "
            "Secure, so a browser also sends them over plain HTTP.",
            hint="Set CASEDESK_HTTPS=true (behind a TLS-terminating proxy that sets "
            "X-Forwarded-Proto): secure cookies, HSTS and the HTTPS redirect.",
            id="casedesk.security.W001",
        )
    ]
