"""The case text table, its full-text index on each database, and every existing case indexed.

PostgreSQL: two stored generated `tsvector` columns (what contacts may match; everything, for
engineers), the tracking number and subject weighted 'A', each with a GIN index. SQLite: an FTS5
table over the same columns (external content: the text is stored once, in search_casetext),
kept in step by triggers. SQLite drops a table's triggers when Django rebuilds the table: a
later migration that alters search_casetext must create them again.
"""

import django.db.models.deletion
from django.db import migrations, models

from casedesk.search.documents import build


def _words(column):
    # PostgreSQL's parser keeps "mesos-master.log" or "v2.2.0" as one token; FTS5 and the
    # query (casedesk.search.parse) split them into words, so the text is split the same way.
    return f"to_tsvector('english'::regconfig, regexp_replace({column}, '[^[:alnum:]]+', ' ', 'g'))"


VECTOR = f"setweight({_words('title')}, 'A') || {_words('public_text')}"
POSTGRES = [
    f"""ALTER TABLE search_casetext
        ADD COLUMN public_vec tsvector GENERATED ALWAYS AS ({VECTOR}) STORED,
        ADD COLUMN all_vec tsvector GENERATED ALWAYS AS (
            {VECTOR} || {_words('internal_text')}) STORED""",
    "CREATE INDEX search_casetext_public_vec ON search_casetext USING GIN (public_vec)",
    "CREATE INDEX search_casetext_all_vec ON search_casetext USING GIN (all_vec)",
]
COLUMNS = "title, public_text, internal_text"
NEW = "new.case_id, new.title, new.public_text, new.internal_text"
OLD = "'delete', old.case_id, old.title, old.public_text, old.internal_text"
SQLITE = [
    f"""CREATE VIRTUAL TABLE search_casetext_fts USING fts5({COLUMNS},
        content='search_casetext', content_rowid='case_id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER search_casetext_fts_insert AFTER INSERT ON search_casetext BEGIN
        INSERT INTO search_casetext_fts(rowid, {COLUMNS}) VALUES ({NEW});
    END""",
    f"""CREATE TRIGGER search_casetext_fts_delete AFTER DELETE ON search_casetext BEGIN
        INSERT INTO search_casetext_fts(search_casetext_fts, rowid, {COLUMNS}) VALUES ({OLD});
    END""",
    f"""CREATE TRIGGER search_casetext_fts_update AFTER UPDATE ON search_casetext BEGIN
        INSERT INTO search_casetext_fts(search_casetext_fts, rowid, {COLUMNS}) VALUES ({OLD});
        INSERT INTO search_casetext_fts(rowid, {COLUMNS}) VALUES ({NEW});
    END""",
]
BATCH = 2000


def _full_text(apps, schema_editor):
    statements = {"postgresql": POSTGRES, "sqlite": SQLITE}[schema_editor.connection.vendor]
    for sql in statements:
        schema_editor.execute(sql)


def _no_full_text(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_casetext_fts")


def _index_existing(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    Attachment = apps.get_model("cases", "Attachment")
    CaseText = apps.get_model("search", "CaseText")
    last = 0
    while True:
        cases = list(
            Case.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "tracking_number", "subject")[:BATCH]
        )
        if not cases:
            return
        ids = [pk for pk, _, _ in cases]
        events, files = {}, {}
        for case_id, public, body, reason in CaseEvent.objects.filter(case_id__in=ids).order_by(
            "at", "pk"
        ).values_list("case_id", "public", "body", "reason"):
            events.setdefault(case_id, []).append((public, body, reason))
        for case_id, public, name in Attachment.objects.filter(case_id__in=ids).values_list(
            "case_id", "public", "name"
        ):
            files.setdefault(case_id, []).append((public, name))
        rows = []
        for pk, number, subject in cases:
            doc = build(number, subject, events.get(pk, ()), files.get(pk, ()))
            rows.append(CaseText(case_id=pk, **doc.__dict__))
        CaseText.objects.bulk_create(rows)
        last = ids[-1]


class Migration(migrations.Migration):
    initial = True

    dependencies = [("cases", "0009_open_queue_includes_fix_scheduled")]

    operations = [
        migrations.CreateModel(
            name="CaseText",
            fields=[
                (
                    "case",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_text",
                        serialize=False,
                        to="cases.case",
                    ),
                ),
                ("title", models.TextField()),
                ("public_text", models.TextField(blank=True)),
                ("internal_text", models.TextField(blank=True)),
            ],
        ),
        migrations.RunPython(_full_text, _no_full_text),
        migrations.RunPython(_index_existing, migrations.RunPython.noop),
    ]
