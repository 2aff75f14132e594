"""SQLite allows one writer: a write that meets a busy database waits and retries, unseen.

Every attempt ends by settling the files it wrote (`txfiles.settle`): an attempt that rolled
back leaves none behind, and the next attempt writes its own.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import OperationalError, connection, transaction

from casedesk.lib import txfiles

P = ParamSpec("P")
T = TypeVar("T")


def retry_on_lock(fn: Callable[P, T]) -> Callable[P, T]:
    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        attempts = 8
        for attempt in range(attempts):
            try:
                return fn(*args, **kwargs)
            except OperationalError as exc:
                retryable = connection.vendor == "sqlite" and "locked" in str(exc)
                # Inside an outer transaction the caller must retry the whole unit of work.
                if (
                    not retryable
                    or attempt == attempts - 1
                    or transaction.get_connection().in_atomic_block
                ):
                    raise
                time.sleep(0.05 * (attempt + 1) + random.random() * 0.05)
            finally:
                txfiles.settle()  # inside an outer transaction: left to whoever ends it
        raise AssertionError("unreachable")

    return wrapper
