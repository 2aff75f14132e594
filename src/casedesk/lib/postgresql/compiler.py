"""Django's PostgreSQL compilers; bulk inserts of a few rows use VALUES, not UNNEST.

Django turns every multi-row INSERT into `SELECT * FROM UNNEST(array, ...)` to save planning
time. With client-side parameter binding (Django's default with psycopg 3), each array is
quoted value by value in Python: for the two or three rows a service writes at once (a case's
first events) that costs about twice the plain multi-row VALUES it replaces
(bench/mail_intake.py). UNNEST is kept where planning many rows is the bigger cost.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql import compiler
from django.db.backends.postgresql.compiler import (
    SQLAggregateCompiler,
    SQLCompiler,
    SQLDeleteCompiler,
    SQLUpdateCompiler,
)
from django.db.models.sql import compiler as generic

__all__ = [
    "SQLAggregateCompiler",
    "SQLCompiler",
    "SQLDeleteCompiler",
    "SQLInsertCompiler",
    "SQLUpdateCompiler",
]

UNNEST_FROM_ROWS = 20


class SQLInsertCompiler(compiler.SQLInsertCompiler):
    def assemble_as_sql(self, fields: Any, value_rows: Any) -> Any:
        if len(value_rows) < UNNEST_FROM_ROWS:
            return generic.SQLInsertCompiler.assemble_as_sql(self, fields, value_rows)
        return super().assemble_as_sql(fields, value_rows)
