"""Timestamps as integer microseconds since the epoch, computed by the database.

The year's report reads three timestamps of every responded case; turning ~2.5 million of them
into Python datetimes (and back into integers for numpy) was most of its cost at 1,000,000 cases
(issue 15). The database hands over the integers instead: exact, to the microsecond.
"""

from __future__ import annotations

from typing import Any

from django.db.models import BigIntegerField, Func


class EpochMicros(Func):
    """`to_us(column)` in SQL; NULL stays NULL."""

    arity = 1
    output_field = BigIntegerField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # PostgreSQL 14+: EXTRACT(EPOCH ...) is numeric, exact to the microsecond.
        template = "(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Stored as UTC text "YYYY-MM-DD HH:MM:SS[.ffffff]" (six digits when there are any).
        # "%%%%s": one % pair for this template, one for the backend's %s-to-? conversion.
        # The seconds from the first 19 characters: strftime rounds a fraction (.999999 -> +1 s).
        template = (
            "(CAST(strftime('%%%%s', substr(%(expressions)s, 1, 19)) AS INTEGER) * 1000000"
            " + CASE WHEN length(%(expressions)s) > 19"
            " THEN CAST(substr(%(expressions)s, 21, 6) AS INTEGER) ELSE 0 END)"
        )
        return self.as_sql(compiler, connection, template=template, **extra)
