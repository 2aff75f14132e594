from __future__ import annotations

from io import StringIO

from django.core.management import call_command


def test_the_customers_migrations_match_the_models(db):
    out = StringIO()
    call_command("makemigrations", "customers", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_migrating_creates_both_groups_with_permissions(db):
    from django.contrib.auth.models import Group

    from casedesk.customers.roles import AGENTS, MANAGERS

    managers = Group.objects.get(name=MANAGERS)
    assert managers.permissions.filter(codename="add_supportcontact").exists()
    assert Group.objects.get(name=AGENTS).permissions.filter(codename="view_customer").exists()
