"""Files written inside a transaction: kept when it commits, removed when it rolls back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import transaction

from casedesk.lib import txfiles

# Real commits and rollbacks: the test is not wrapped in a transaction of its own.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def storage(tmp_path: Path) -> FileSystemStorage:
    txfiles.settle()  # what earlier tests in this thread left to settle is not counted here
    return FileSystemStorage(location=tmp_path)


def write(storage: FileSystemStorage, name: str, *, committed: bool = False) -> str:
    stored = storage.save(name, ContentFile(b"data"))
    txfiles.track(storage, stored, lambda: committed)
    return stored


def names(storage: FileSystemStorage) -> list[str]:
    return sorted(p.name for p in Path(storage.location).rglob("*") if p.is_file())


def test_it_keeps_the_files_of_a_committed_transaction(storage: Any) -> None:
    with txfiles.settled(), transaction.atomic():
        write(storage, "kept.log")  # its row check would say "gone": the commit is what counts
    assert names(storage) == ["kept.log"]


def test_it_removes_the_files_of_a_rolled_back_transaction(storage: Any) -> None:
    with pytest.raises(RuntimeError), txfiles.settled(), transaction.atomic():
        write(storage, "lost.log")
        raise RuntimeError("a later step failed")
    assert names(storage) == []


def test_it_removes_the_files_of_a_rolled_back_savepoint_once_the_transaction_ends(
    storage: Any,
) -> None:
    with transaction.atomic():
        write(storage, "outer.log")
        with pytest.raises(RuntimeError), transaction.atomic():
            write(storage, "inner.log")
            raise RuntimeError("the savepoint rolls back")
        assert txfiles.settle() == 0  # still inside the transaction: nothing is known yet
        assert names(storage) == ["inner.log", "outer.log"]
    assert txfiles.settle() == 1
    assert names(storage) == ["outer.log"]


def test_it_keeps_a_committed_file_whose_confirmation_was_skipped(storage: Any) -> None:
    def fails() -> None:
        raise RuntimeError("an earlier on_commit callback raised")

    # Django stops running a transaction's callbacks at the first that raises: the file's own
    # confirmation never runs, and its row check says the file is committed.
    with pytest.raises(RuntimeError), transaction.atomic():
        transaction.on_commit(fails)
        write(storage, "committed.log", committed=True)
        write(storage, "gone.log", committed=False)
    assert txfiles.settle() == 1
    assert names(storage) == ["committed.log"]


def test_a_file_written_outside_a_transaction_is_kept(storage: Any) -> None:
    write(storage, "autocommit.log")
    assert txfiles.settle() == 0
    assert names(storage) == ["autocommit.log"]
