"""Model instances from hand-written SELECTs, for the few hot lookups where the ORM's query
compilation costs more than the query (mail intake runs them for every message).

`Columns(model, alias)` is worked out once per process from the model's own metadata, so a new
field is selected without editing any SQL; its `load()` applies the same database converters
the ORM applies (SQLite hands back strings for datetimes, integers for booleans).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


class Columns:
    """The SELECT list of `fields` (default: every concrete field) of `model` under `alias`."""

    def __init__(
        self, model: type[models.Model], alias: str, fields: Sequence[str] | None = None
    ) -> None:
        concrete = model._meta.concrete_fields
        self.model = model
        self.fields = [f for f in concrete if fields is None or f.attname in fields]
        self.attnames = [f.attname for f in self.fields]
        self.alias = alias
        # Per connection: SQLite's converters are bound to their connection (its time zone).
        self._converters: weakref.WeakKeyDictionary[BaseDatabaseWrapper, list[Any]] = (
            weakref.WeakKeyDictionary()
        )

    def sql(self, connection: BaseDatabaseWrapper) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{quote(self.alias)}.{quote(f.column)}" for f in self.fields)

    def table(self, connection: BaseDatabaseWrapper) -> str:
        quote = connection.ops.quote_name
        return f"{quote(self.model._meta.db_table)} {quote(self.alias)}"

    def __len__(self) -> int:
        return len(self.fields)

    def load(self, connection: BaseDatabaseWrapper, values: Sequence[Any]) -> models.Model:
        """An instance as the ORM would build it; fields not selected are deferred."""
        values = list(values)
        for i, expression, converters in self._converters_for(connection):
            for converter in converters:
                values[i] = converter(values[i], expression, connection)
        return self.model.from_db(connection.alias, self.attnames, values)

    def _converters_for(
        self, connection: BaseDatabaseWrapper
    ) -> list[tuple[int, Any, list[Converter]]]:
        """(position, column expression, converters) for each field that has converters."""
        found = self._converters.get(connection)
        if found is None:
            found = self._converters[connection] = []
            for i, field in enumerate(self.fields):
                col = field.get_col(self.alias)
                converters = connection.ops.get_db_converters(col) + field.get_db_converters(  # type: ignore[attr-defined]  # not in the stubs
                    connection
                )
                if converters:
                    found.append((i, col, converters))
        return found


class Join:
    """One SELECT of two models' columns, `first JOIN second ON ...`, read as pairs of instances.

    `on`, `where` and `order` are SQL over the two aliases (plain lower-case column names need
    no quoting on SQLite or PostgreSQL); values go in as bound parameters.
    """

    def __init__(self, first: Columns, second: Columns, *, on: str, where: str, order: str):
        self.first, self.second = first, second
        self.on, self.where, self.order = on, where, order
        self._sql: dict[str, str] = {}

    def sql(self, connection: BaseDatabaseWrapper) -> str:
        found = self._sql.get(connection.vendor)
        if found is None:
            first, second = self.first, self.second
            # Identifiers come from the models' metadata and this module's callers, never input.
            found = self._sql[connection.vendor] = (
                f"SELECT {first.sql(connection)}, {second.sql(connection)} "  # noqa: S608
                f"FROM {first.table(connection)} JOIN {second.table(connection)} ON {self.on} "
                f"WHERE {self.where} ORDER BY {self.order}"
            )
        return found

    def pairs(
        self, connection: BaseDatabaseWrapper, params: Sequence[Any]
    ) -> list[tuple[models.Model, models.Model]]:
        with connection.cursor() as cursor:
            cursor.execute(self.sql(connection), params)
            rows = cursor.fetchall()
        split = len(self.first)
        return [
            (self.first.load(connection, row[:split]), self.second.load(connection, row[split:]))
            for row in rows
        ]
