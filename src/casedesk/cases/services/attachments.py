"""Files on cases, stored through Django's storage API.

A file is written inside the service's transaction and removed again if that transaction does
not commit (`casedesk.lib.txfiles`; each service call settles its files on the way out).
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from collections.abc import Callable, Iterable
from typing import Protocol

from django.conf import settings
from django.core.files.base import ContentFile

from casedesk.cases.models import Attachment, Case, CaseEvent
from casedesk.lib import txfiles
from casedesk.search.services import index

from .errors import CaseError


class Upload(Protocol):
    """An uploaded file (Django's UploadedFile); its name and type may be missing."""

    @property
    def name(self) -> str | None: ...
    @property
    def size(self) -> int | None: ...
    @property
    def content_type(self) -> str | None: ...

    def read(self) -> bytes: ...


FileSpec = tuple[str, str, bytes] | Upload


def _unpack(item: FileSpec) -> tuple[str | None, str, bytes]:
    if isinstance(item, tuple):
        return item
    return item.name, getattr(item, "content_type", "") or "", item.read()


def _human(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def check_sizes(files: Iterable[FileSpec]) -> None:
    """Refuse oversized files before anything is written."""
    limit = settings.CASEDESK_MAX_ATTACHMENT_BYTES
    for item in files:
        size = item.size if not isinstance(item, tuple) else len(item[2])
        name = item.name if not isinstance(item, tuple) else item[0]
        if size is not None and size > limit:  # Django's uploads always know their size
            raise CaseError(
                f"{name} is {_human(size)}; the limit is {_human(limit)} per file. "
                "Compress it or split it, then attach it again.",
                field="attachments",
            )


def store(
    case: Case, event: CaseEvent | None, files: Iterable[FileSpec], at: dt.datetime, public: bool
) -> list[Attachment]:
    stored = []
    for item in files:
        name, content_type, data = _unpack(item)
        name = (name or "attachment").replace("/", "_").replace("\\", "_")[-200:]
        content_type = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        attachment = Attachment(
            case=case,
            event=event,
            name=name,
            content_type=content_type[:150],
            size=len(data),
            public=public,
            uploaded_at=at,
        )
        # Written now, inside the caller's transaction, and removed if it does not commit.
        attachment.file.save(name, ContentFile(data), save=False)
        txfiles.track(attachment.file.storage, attachment.file.name, _committed(attachment))
        attachment.save()
        stored.append(attachment)
    if stored:
        index.add_files(case.pk, stored)  # the files' names are searchable
    return stored


def _committed(attachment: Attachment) -> Callable[[], bool]:
    name = attachment.file.name

    def committed() -> bool:
        # By primary key, which is indexed; the name tells apart a row that reused the id of
        # a rolled-back one (SQLite may).
        pk = attachment.pk
        return pk is not None and Attachment.objects.filter(pk=pk, file=name).exists()

    return committed
