"""Reads that may come from a streaming replica: reports, exports and `sla verify`.

With DATABASE_REPLICA_URL set, settings add the `replica` alias and this router. Everything
reads and writes on the primary (`default`) except code run inside `replica_reads()`, whose
reads go to the replica, which lags the primary by its replication delay: fine for a report,
wrong for a page that shows what was just saved. So, inside that block:

- a write (any ORM write, routed through `db_for_write`) sends the block's later reads to the
  primary, which has the write;
- reads inside a transaction on the primary stay there (the transaction sees its own writes);

and writes always go to the primary (a hot standby refuses them anyway).

The state is a context variable: each request thread and each CLI run has its own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

P = ParamSpec("P")
T = TypeVar("T")


@dataclass
class _Scope:
    wrote: bool = False


_scope: ContextVar[_Scope | None] = ContextVar("casedesk_replica_reads", default=None)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads in this block may come from the replica (when one is configured)."""
    token = _scope.set(_Scope())
    try:
        yield
    finally:
        _scope.reset(token)


def reads_from_replica(fn: Callable[P, T]) -> Callable[P, T]:
    """`replica_reads()` around a whole view or command."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        with replica_reads():
            return fn(*args, **kwargs)

    return wrapper


def configured() -> bool:
    return REPLICA in settings.DATABASES


def current_read_alias() -> str:
    """Where a read issued now goes (for the tests and the bench)."""
    return ReplicaRouter().db_for_read(None) or DEFAULT_DB_ALIAS


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        scope = _scope.get()
        if scope is None or scope.wrote or not configured():
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str:
        scope = _scope.get()
        if scope is not None:
            scope.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the same rows on both: objects read from either may be related

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db != REPLICA  # the replica receives the primary's schema by streaming
