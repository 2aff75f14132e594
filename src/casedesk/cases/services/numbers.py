"""Tracking numbers: unique, never reused, safe under concurrent intake.

PostgreSQL takes them from a sequence (a locked counter row would serialise every intake through
its commit); SQLite has one writer anyway, so a counter row updated inside the IMMEDIATE
transaction is enough.
"""

from __future__ import annotations

from django.db import connection

from casedesk.cases.models import TrackingCounter

SEQUENCE = "cases_tracking_number_seq"


def next_number() -> int:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT nextval('{SEQUENCE}')")  # noqa: S608 - constant name
            return int(cursor.fetchone()[0])
    # SQLite: the IMMEDIATE transaction already holds the write lock, so this cannot race.
    # One statement (RETURNING, SQLite 3.35+) instead of an UPDATE and a SELECT.
    table = connection.ops.quote_name(TrackingCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET value = value + 1 WHERE name = %s RETURNING value",  # noqa: S608
            ["case"],
        )
        row = cursor.fetchone()
    if row is None:
        TrackingCounter.objects.create(name="case", value=1000)  # as the PG sequence starts
        return 1000
    return int(row[0])


def tracking_number(prefix: str, number: int) -> str:
    return f"{prefix}-{number}"
