"""System checks for settings that are each valid alone but wrong together, or missing."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register


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


@register(deploy=False)
def pager_without_secret(**kwargs: Any) -> list[CheckMessage]:
    """Pages are signed with the secret; without one the receiver cannot tell them from forgeries."""
    if not settings.CASEDESK_PAGER_URL or settings.CASEDESK_PAGER_SECRET:
        return []
    return [
        Error(
            f"CASEDESK_PAGER_URL is set ({settings.CASEDESK_PAGER_URL}) but "
            "CASEDESK_PAGER_SECRET is empty, so Severity 1 pages cannot be signed.",
            hint="Set CASEDESK_PAGER_SECRET to the secret the pager checks signatures with, "
            "or unset CASEDESK_PAGER_URL to page the team by e-mail.",
            id="casedesk.E001",
        )
    ]


@register(deploy=False)
def mail_domain_missing(**kwargs: Any) -> list[CheckMessage]:
    """Reply addresses (support+token@domain) and intake's own addresses need the domain."""
    domain = settings.CASEDESK_MAIL_DOMAIN.strip()
    if domain and "@" not in domain and " " not in domain:
        return []
    return [
        Error(
            f"CASEDESK_MAIL_DOMAIN={settings.CASEDESK_MAIL_DOMAIN!r} is not a mail domain, so "
            "casedesk cannot address replies or recognise its own mail.",
            hint="Set CASEDESK_MAIL_DOMAIN to the domain support mail is sent to, e.g. "
            "support.example.com.",
            id="casedesk.E002",
        )
    ]


# Deployment checks: `casedesk check --deploy` and every `casedesk serve` run them; other
# commands (a one-off `casedesk sla deadline`) stay quiet about the public address.
PRODUCTION = "casedesk.production"


@register(PRODUCTION, deploy=True)
def public_address_unset(**kwargs: Any) -> list[CheckMessage]:
    """In production (DEBUG off) links in mail and pages must reach people, not 127.0.0.1."""
    if settings.DEBUG:
        return []
    unset = [
        name
        for name in ("CASEDESK_BASE_URL", "CASEDESK_MAIL_DOMAIN")
        if not os.environ.get(name, "").strip()
    ]
    hints = {
        "CASEDESK_BASE_URL": (
            f"links in mail and pager payloads point to {settings.CASEDESK_BASE_URL}",
            "Set CASEDESK_BASE_URL to the address people reach casedesk at, e.g. "
            "https://support.example.com.",
            "casedesk.W002",
        ),
        "CASEDESK_MAIL_DOMAIN": (
            f"replies are addressed to {settings.CASEDESK_MAIL_DOMAIN}",
            "Set CASEDESK_MAIL_DOMAIN to the domain support mail is sent to.",
            "casedesk.W003",
        ),
    }
    return [
        Warning(
            f"{name} is not set in production (DEBUG is off): {hints[name][0]}.",
            hint=hints[name][1],
            id=hints[name][2],
        )
        for name in unset
    ]
