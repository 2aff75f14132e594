"""SQLite only: triggers that keep the event log append-only, as 0002's trigger does on PostgreSQL.

A whole-table flush (Django's `flush`, the tests' cleanup) still empties the table: PostgreSQL's
TRUNCATE fires no row trigger, and casedesk's SQLite backend (casedesk.lib.sqlite3) lifts these
triggers for the flush and puts them back in the same transaction.

SQLite drops a table's triggers with the table, and Django rebuilds a SQLite table for most
schema changes: a later migration that alters cases_caseevent must create these triggers again
(tests/cases/test_event_log.py fails when it does not).
"""

from django.db import migrations

TRIGGERS = {
    operation: f"""
    CREATE TRIGGER IF NOT EXISTS cases_event_append_only_{operation.lower()}
        BEFORE {operation} ON cases_caseevent
    BEGIN
        SELECT RAISE(ABORT, 'cases_caseevent is append-only: {operation} refused; the case history is never edited, record a new event instead');
    END
    """
    for operation in ("UPDATE", "DELETE")
}


def _forward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in TRIGGERS.values():
        schema_editor.execute(sql)


def _backward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for operation in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS cases_event_append_only_{operation.lower()}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_postgres_sequence_and_append_only_events")]

    operations = [migrations.RunPython(_forward, _backward)]
