"""Pages that cost what they show, not what the table holds (issue 15).

A count stops at `COUNT_CAP` ("1,000+"): nobody reads a queue by its exact length, and an exact
count of a million rows reads them all. A cursor carries the sort key of the last row shown, so
the next page starts there through the index instead of skipping rows (OFFSET reads them all).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

COUNT_CAP = 1000
_SALT = "casedesk.lib.paging.cursor"


@dataclass(frozen=True)
class Count:
    value: int  # exact when not capped, else COUNT_CAP
    capped: bool  # more rows than `value`

    def __str__(self) -> str:
        return f"{self.value:,}+" if self.capped else f"{self.value:,}"


def capped_count(qs: QuerySet[Any], cap: int = COUNT_CAP) -> Count:
    """How many rows, counting no further than `cap` (one query reading at most cap+1 keys).

    The list's own order is kept: the index that serves the page then serves the count too
    (without it PostgreSQL reads the first cap+1 rows of the table with a sequential scan)."""
    n = qs.values("pk")[: cap + 1].count()
    return Count(min(n, cap), n > cap)


class CursorError(ValueError):
    """A cursor this server did not hand out (edited, truncated, or from another list)."""


def make_cursor(kind: str, received_at: dt.datetime, pk: int) -> str:
    """An opaque, signed token for "after this row" in a list sorted newest first."""
    return signing.dumps([kind, received_at.isoformat(), pk], salt=_SALT, compress=True)


def read_cursor(kind: str, token: str) -> tuple[dt.datetime, int]:
    try:
        got, when, pk = signing.loads(token, salt=_SALT)
        if got != kind:
            raise CursorError(kind)
        return dt.datetime.fromisoformat(when), int(pk)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise CursorError(str(exc)) from None


def older_than(qs: QuerySet[Any], received_at: dt.datetime, pk: int) -> QuerySet[Any]:
    """Rows after (received_at, pk) in `-received_at, -id` order, as one row comparison.

    `received_at < x OR (received_at = x AND id < y)` reads the same rows, but PostgreSQL
    cannot start an index range on an OR; the row comparison starts the index scan at the cursor.
    """
    table = connection.ops.quote_name(qs.model._meta.db_table)
    value = connection.ops.adapt_datetimefield_value(received_at)  # stored form (SQLite: text)
    columns = f"{table}.{connection.ops.quote_name('received_at')}, {table}.{connection.ops.quote_name('id')}"
    condition = RawSQL(  # noqa: S611 - names from the model, values as parameters
        f"({columns}) < (%s, %s)",
        (value, pk),
        output_field=BooleanField(),
    )
    return qs.filter(condition)
