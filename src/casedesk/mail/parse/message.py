"""What parsing a message gives: the ParsedMessage and its attachments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    data: bytes
    content_id: str = ""  # inline images: the <cid> that the HTML refers to

    def as_file(self) -> tuple[str, str, bytes]:
        return (self.name, self.content_type, self.data)


@dataclass(frozen=True)
class RefusedAttachment:
    name: str
    size: int


@dataclass
class ParsedMessage:
    message_id: str
    message_id_generated: bool = False
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    from_address: str = ""
    from_name: str = ""
    to_addresses: list[str] = field(default_factory=list)
    cc_addresses: list[str] = field(default_factory=list)
    subject: str = ""
    date_header: dt.datetime | None = None
    text: str = ""
    html: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    refused_attachments: list[RefusedAttachment] = field(default_factory=list)
    loop_signals: list[str] = field(default_factory=list)
    requested_severity: int | None = None
    tracking_ref: str = ""
    plus_token: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def auto_submitted(self) -> bool:
        """True when any header marks this as machine-sent (RFC 3834 and its folk variants)."""
        return bool(self.loop_signals)

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this message answers, nearest first."""
        ids = [self.in_reply_to] if self.in_reply_to else []
        ids += [r for r in reversed(self.references) if r not in ids]
        return ids
