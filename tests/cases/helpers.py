from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models.signals import post_save

from casedesk.cases.models import Attachment
from casedesk.cases.services.errors import CaseError

PT = ZoneInfo("America/Los_Angeles")


def pt(*args: int) -> dt.datetime:
    """An instant given as Pacific wall time, returned in UTC."""
    return dt.datetime(*args, tzinfo=PT).astimezone(dt.UTC)


REFUSED_AFTER_THE_FILE = "Refused after the file was written."


@contextmanager
def refused_after_the_file() -> Iterator[None]:
    """A later step of a change refuses it after its file is written (a real post_save hook)."""

    def refuse(**_: Any) -> None:
        raise CaseError(REFUSED_AFTER_THE_FILE)

    post_save.connect(refuse, sender=Attachment, dispatch_uid="refused_after_the_file")
    try:
        yield
    finally:
        post_save.disconnect(sender=Attachment, dispatch_uid="refused_after_the_file")


def files_in(root: str | Path) -> list[str]:
    """The files under a storage folder, relative to it, as FileField names are."""
    return sorted(str(p.relative_to(root)) for p in Path(root).rglob("*") if p.is_file())
