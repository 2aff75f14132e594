from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_groups_after_migrate(**kwargs: Any) -> None:
    # Here, not at the top: roles imports models, which cannot load before the app registry.
    from .roles import ensure_groups

    ensure_groups()


class CustomersConfig(AppConfig):
    name = "casedesk.customers"
    label = "customers"
    verbose_name = "Customers and entitlements"

    def ready(self) -> None:
        # After auth has created this app's permissions (its receiver was connected first).
        post_migrate.connect(
            ensure_groups_after_migrate, sender=self, dispatch_uid="customers-ensure-groups"
        )
