"""PostgreSQL only: the tracking-number sequence and the trigger that keeps events append-only."""

from django.db import migrations

SEQUENCE = "cases_tracking_number_seq"

FORWARD = [
    f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE} START 1000",
    """
    CREATE OR REPLACE FUNCTION cases_event_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'cases_caseevent is append-only: % refused', TG_OP
            USING HINT = 'The case history is never edited; record a new event instead.';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER cases_event_append_only
        BEFORE UPDATE OR DELETE ON cases_caseevent
        FOR EACH ROW EXECUTE FUNCTION cases_event_append_only()
    """,
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS cases_event_append_only ON cases_caseevent",
    "DROP FUNCTION IF EXISTS cases_event_append_only()",
    f"DROP SEQUENCE IF EXISTS {SEQUENCE}",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql, params=None)  # the plpgsql body uses a literal %

    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
