"""The stock backend; a whole-table flush passes row triggers, as TRUNCATE does on PostgreSQL.

Tables may carry triggers that refuse every UPDATE or DELETE (the case event log is
append-only). Django's `flush` empties tables with DELETE on SQLite, which fires them; so the
flush drops the triggers of the tables it empties and creates them again from their stored SQL,
all in the flush's one transaction: no row is ever deleted past a trigger outside a flush.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.sqlite3 import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(
        self,
        style: Any,
        tables: Any,
        *,
        reset_sequences: bool = False,
        allow_cascade: bool = False,
    ) -> list[str]:
        statements = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if not statements:
            return statements
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'trigger'")
            # allow_cascade may have added referencing tables: read the names from the DELETEs.
            triggers = [
                (name, sql)
                for table, name, sql in cursor.fetchall()
                if any(self.quote_name(table) in statement for statement in statements)
            ]
            # External-content FTS5 tables over an emptied table: their index is emptied too
            # (the triggers that keep it in step are lifted for the flush).
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE '%fts5%'"
            )
            fts = [
                name
                for name, sql in cursor.fetchall()
                if any(f"content='{table}'" in sql for table in tables)
            ]
        drop = [f"DROP TRIGGER {self.quote_name(name)};" for name, _ in triggers]
        create = [f"{sql};" for _, sql in triggers]
        rebuild = [
            f"INSERT INTO {self.quote_name(name)}({self.quote_name(name)}) VALUES('delete-all');"
            for name in fts
        ]
        return [*drop, *statements, *create, *rebuild]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
