"""Files written inside a database transaction, removed again when the transaction does not commit.

Storage writes at once; the database decides later. Writing the file after the commit
(`transaction.on_commit`) would lose it when the process dies between the commit and the write,
so the file is written first, inside the transaction, and removed when the transaction rolls
back. Django has `on_commit` but no on_rollback: `track` confirms each file with an `on_commit`
callback (Django drops the callbacks of a transaction or savepoint that rolls back), and
`settle`, run where no transaction is open, deletes every file left unconfirmed whose row does
not exist (the row check covers a callback skipped because an earlier one raised).

A crash before the commit can still leave a file that no row names; a committed row never lacks
its file.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from asgiref.local import Local
from django.core.files.storage import Storage
from django.db import DEFAULT_DB_ALIAS, transaction

log = logging.getLogger(__name__)

# Per thread (and async context), as Django keeps its connections: a transaction's files.
_local = Local()
_keys = itertools.count()


@dataclass(frozen=True)
class _Written:
    storage: Storage
    name: str
    using: str
    committed: Callable[[], bool]  # does a committed row name the file?
    path: str | None  # where a local storage put it


def _pending() -> dict[int, _Written]:
    pending: dict[int, _Written] | None = getattr(_local, "pending", None)
    if pending is None:
        pending = _local.pending = {}
    return pending


def _path(storage: Storage, name: str) -> str | None:
    try:
        return storage.path(name)
    except NotImplementedError:  # a remote storage: its names do not move
        return None


def track(
    storage: Storage, name: str, committed: Callable[[], bool], *, using: str = DEFAULT_DB_ALIAS
) -> None:
    """Note a file just written to `storage` in the current transaction on `using`.

    `committed()` answers, outside any transaction, whether a committed row names the file.
    """
    key = next(_keys)
    pending = _pending()
    pending[key] = _Written(storage, name, using, committed, _path(storage, name))
    transaction.on_commit(lambda: pending.pop(key, None), using=using)


def settle(using: str = DEFAULT_DB_ALIAS) -> int:
    """Delete the tracked files whose transaction did not commit; returns how many.

    Does nothing while a transaction is open on `using`: its outcome is not known yet, and the
    files wait for the next call. Never raises (it runs on the way out of failures).
    """
    if transaction.get_connection(using).in_atomic_block:
        return 0
    pending = _pending()
    removed = 0
    for key, written in list(pending.items()):
        if written.using != using:
            continue
        try:
            committed = written.committed()
        except Exception:
            # The database is unreachable, say: keep the entry for the next call.
            log.warning("could not check the file %s; trying later", written.name, exc_info=True)
            continue
        del pending[key]
        if not committed:
            removed += _delete(written)
    return removed


def _delete(written: _Written) -> int:
    try:
        if written.path is not None and _path(written.storage, written.name) != written.path:
            return 0  # the storage's root moved since (settings changed): not this file any more
        written.storage.delete(written.name)
    except Exception:
        log.warning("could not delete the orphaned file %s", written.name, exc_info=True)
        return 0
    return 1


@contextmanager
def settled(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """`settle` on the way out of the block, whether it raised or not."""
    try:
        yield
    finally:
        settle(using)
