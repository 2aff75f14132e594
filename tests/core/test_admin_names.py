"""The admin's index names models with proper plurals and capitals."""

from __future__ import annotations

import re

import pytest
from django.apps import apps

pytestmark = pytest.mark.django_db

BAD_PLURAL = re.compile(r"(?:ch|sh|x|s|[^aeiou]y)s$")


def test_it_lists_models_with_proper_plurals(client, world) -> None:  # type: ignore[no-untyped-def]
    world.manager.is_superuser = True
    world.manager.save(update_fields=["is_superuser"])
    client.force_login(world.manager)
    html = client.get("/admin/").content.decode()
    for name in ("Case watches", "Webhook deliveries", "SLA alerts"):
        assert name in html
    assert "watchs" not in html and "deliverys" not in html and "Sla alerts" not in html


def test_no_model_has_a_misspelt_plural() -> None:
    wrong = [
        f"{m.__name__}: {m._meta.verbose_name_plural}"
        for m in apps.get_models()
        if BAD_PLURAL.search(str(m._meta.verbose_name_plural))
    ]
    assert wrong == []
