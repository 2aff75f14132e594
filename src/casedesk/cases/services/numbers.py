"""Tracking numbers: unique, never reused, safe under concurrent intake.

PostgreSQL takes them from a sequence (a locked counter row would serialise every intake through
its commit); SQLite has one writer anyway, so a counter row updated inside the IMMEDIATE
transaction is enough.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import F

from casedesk.cases.models import TrackingCounter

SEQUENCE = "cases_tracking_number_seq"


def next_number() -> int:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT nextval('{SEQUENCE}')")  # noqa: S608 - constant name
            return int(cursor.fetchone()[0])
    # SQLite: the IMMEDIATE transaction already holds the write lock, so this cannot race.
    updated = TrackingCounter.objects.filter(name="case").update(value=F("value") + 1)
    if not updated:
        TrackingCounter.objects.create(name="case", value=1000)  # as the PG sequence starts
    return TrackingCounter.objects.get(name="case").value


def tracking_number(prefix: str, number: int) -> str:
    return f"{prefix}-{number}"
