"""The one injectable clock: every service asks `now()` so tests can pin time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

_pinned: dt.datetime | None = None


def now() -> dt.datetime:
    if _pinned is not None:
        return _pinned
    return dt.datetime.now(dt.UTC)


@contextmanager
def pinned(at: dt.datetime) -> Iterator[None]:
    """Pin now() to `at` (aware) for the duration of the block."""
    global _pinned
    if at.tzinfo is None:
        raise ValueError("pinned() needs an aware datetime")
    previous, _pinned = _pinned, at
    try:
        yield
    finally:
        _pinned = previous
