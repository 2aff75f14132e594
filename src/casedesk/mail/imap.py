"""The IMAP intake: unseen messages of one folder → `intake.accept`, then flagged or moved.

A message is marked \\Seen (or moved to CASEDESK_IMAP_MOVE_TO) only after `accept` committed and
answered 250. Anything else (a 451, an exception, a lost connection) leaves it unseen in place,
so the next run takes it again; `accept` is idempotent on the Message-ID, so a message that was
committed but not flagged (a crash in between) is not doubled.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses, parseaddr
from typing import Any

from django.conf import settings
from imap_tools import AND, BaseMailBox, MailBox, MailBoxUnencrypted, MailMessageFlags

from casedesk.mail import intake

log = logging.getLogger(__name__)

AcceptFn = Callable[..., str]
# Headers in which delivery agents keep the envelope recipient (the signed +token lives there).
RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To")


@dataclass(frozen=True)
class ImapConfig:
    host: str = "127.0.0.1"
    port: int = 993
    user: str = ""
    password: str = ""
    folder: str = "INBOX"
    ssl: bool = True
    move_to: str = ""  # empty: flag \Seen and leave the message where it is

    @classmethod
    def from_settings(cls, **overrides: Any) -> ImapConfig:
        values: dict[str, Any] = {
            "host": settings.CASEDESK_IMAP_HOST,
            "port": settings.CASEDESK_IMAP_PORT,
            "user": settings.CASEDESK_IMAP_USER,
            "password": settings.CASEDESK_IMAP_PASSWORD,
            "folder": settings.CASEDESK_IMAP_FOLDER,
            "ssl": settings.CASEDESK_IMAP_SSL,
            "move_to": settings.CASEDESK_IMAP_MOVE_TO,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


@dataclass
class FetchResult:
    accepted: int = 0
    left: int = 0  # not committed: left unseen for the next run
    replies: list[str] = field(default_factory=list)


def connect(config: ImapConfig) -> BaseMailBox:
    box_class = MailBox if config.ssl else MailBoxUnencrypted
    box = box_class(config.host, config.port, timeout=60)
    return box.login(config.user, config.password, initial_folder=config.folder)


def fetch_once(
    config: ImapConfig | None = None, *, accept: AcceptFn = intake.accept, limit: int = 0
) -> FetchResult:
    """One pass over the folder's unseen messages, oldest first. Connection errors raise."""
    config = config or ImapConfig.from_settings()
    result = FetchResult()
    with connect(config) as box:
        uids = box.uids(AND(seen=False))
        for uid in uids[:limit] if limit else uids:
            if handle_one(box, uid, config, accept, result):
                result.accepted += 1
            else:
                result.left += 1
    return result


def handle_one(
    box: BaseMailBox, uid: str, config: ImapConfig, accept: AcceptFn, result: FetchResult
) -> bool:
    raw = fetch_raw(box, uid)
    if raw is None:
        return False
    try:
        # BODY.PEEK above did not set \Seen; nothing marks the message until the commit.
        reply = accept(
            raw, envelope_from=return_path(raw), recipients=recipients_of(raw), source="imap"
        )
    except Exception:
        log.exception("IMAP message %s was not accepted; left unseen for the next run", uid)
        return False
    result.replies.append(reply)
    if not reply.startswith("250"):
        log.warning("IMAP message %s: %s; left unseen for the next run", uid, reply)
        return False
    if config.move_to:
        box.move(uid, config.move_to)
    else:
        box.flag(uid, MailMessageFlags.SEEN, True)
    return True


def fetch_raw(box: BaseMailBox, uid: str) -> bytes | None:
    """The message exactly as stored on the server (imap-tools' objects re-encode it)."""
    status, data = box.client.uid("FETCH", uid, "(BODY.PEEK[])")
    for item in data if status == "OK" else []:
        if isinstance(item, tuple) and len(item) == 2:
            return bytes(item[1])
    log.warning("IMAP message %s could not be fetched (%s)", uid, status)
    return None


def _headers(raw: bytes) -> Message:
    return BytesHeaderParser(policy=compat32).parsebytes(raw[: 256 * 1024], headersonly=True)


def return_path(raw: bytes) -> str | None:
    """The envelope sender the delivery agent recorded: "" for the null sender <> (a bounce),
    None when there is no readable Return-Path (the envelope is unknown then, not null)."""
    value = _headers(raw).get("Return-Path")
    if value is None:
        return None
    if not str(value).strip("<> \t\r\n"):
        return ""
    _, address = parseaddr(str(value))
    return address if "@" in address else None


def recipients_of(raw: bytes) -> list[str]:
    headers = _headers(raw)
    values = [str(v) for name in RECIPIENT_HEADERS for v in headers.get_all(name) or []]
    return [addr for _, addr in getaddresses(values) if "@" in addr][:100]
