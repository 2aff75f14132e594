"""Seed data for `casedesk demo`."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model

DEMO_PASSWORD = "demo-casedesk"  # noqa: S105 - printed for the demo, never used in production


def seed(progress: Callable[[str], object] = print) -> list[tuple[str, str, str]]:
    """Create the demo world; return (role, username, password) for each login."""
    user_model = get_user_model()
    user_model.objects.create_superuser("manager", "manager@vendor.example", DEMO_PASSWORD)
    progress("  support manager created")
    return [("Support manager (admin)", "manager", DEMO_PASSWORD)]
