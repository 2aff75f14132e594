"""PostgreSQL through DATABASE_URL is Django's own backend; bulk inserts store every row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from casedesk import settings as casedesk_settings
from casedesk.cases.models import CaseEvent
from casedesk.cases.services import events

AT = dt.datetime(2026, 6, 1, 17, 0, tzinfo=dt.UTC)


def test_a_postgres_url_gives_djangos_own_backend(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://casedesk@db.example:5432/desk")
    db = casedesk_settings._database()
    assert (db["ENGINE"], db["NAME"], db["HOST"]) == (
        "django.db.backends.postgresql",
        "desk",
        "db.example",
    )


def test_a_sqlite_url_gives_the_backend_that_flushes_past_the_triggers(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/desk.sqlite3")
    assert casedesk_settings._database()["ENGINE"] == "casedesk.lib.sqlite3"


@pytest.fixture
def case(world):
    from casedesk.cases import services

    return services.open_case(world.alice, channel="web", subject="Scheduler down", received_at=AT)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
@pytest.mark.parametrize("rows", [2, 20])
def test_bulk_inserts_store_every_row(case, rows):
    assert connection.settings_dict["ENGINE"] == "django.db.backends.postgresql"
    notes = [
        events.new_event(case, "note", None, AT, body=f"note {i} ’quoted’", public=False, n=i)
        for i in range(rows)
    ]
    made = CaseEvent.objects.bulk_create(notes)
    stored = CaseEvent.objects.filter(pk__in=[e.pk for e in made]).order_by("pk")
    assert [(e.body, e.data) for e in stored] == [
        (f"note {i} ’quoted’", {"n": i}) for i in range(rows)
    ]
