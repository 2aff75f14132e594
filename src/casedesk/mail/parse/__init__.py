"""Turn raw RFC 5322 bytes into a ParsedMessage without ever raising.

Mail is hostile input: every header read and every part decode is guarded, and whatever could
not be read is written to `problems` instead. The raw bytes are kept elsewhere (InboundMessage),
so a lossy parse never loses the message itself.

Modules by topic: `reader` (bytes to an email-package message), `headers`, `body`
(parts and attachments), `html` (sanitising), `subject` (severity, tracking number and reply
token rules), `text` (storable strings), `message` (the result).
"""

from __future__ import annotations

from .body import read_body
from .headers import generated_message_id, read_headers
from .html import html_to_text, sanitize_html
from .message import Attachment, ParsedMessage, RefusedAttachment
from .reader import message_from_bytes
from .subject import find_plus_token, find_severity, find_tracking_ref
from .text import clean_text, shorten

__all__ = [
    "Attachment",
    "ParsedMessage",
    "RefusedAttachment",
    "clean_text",
    "find_plus_token",
    "find_severity",
    "find_tracking_ref",
    "generated_message_id",
    "html_to_text",
    "parse_message",
    "sanitize_html",
    "shorten",
]


def parse_message(
    raw: bytes,
    *,
    max_attachment_bytes: int,
    ref_prefix: str | None = None,
    envelope_recipients: list[str] | tuple[str, ...] = (),
    own_domains: list[str] | tuple[str, ...] = (),
) -> ParsedMessage:
    """Parse `raw`; never raises. `problems` lists what could not be read."""
    raw = raw if isinstance(raw, bytes) else bytes(raw or b"")
    problems: list[str] = []
    msg = message_from_bytes(raw, problems)
    parsed = ParsedMessage(message_id="")
    parsed.problems = problems
    read_headers(parsed, msg, raw)
    read_body(parsed, msg, max_attachment_bytes)
    parsed.requested_severity = find_severity(parsed.subject)
    parsed.tracking_ref = find_tracking_ref(parsed.subject, ref_prefix)
    recipients = [*envelope_recipients, *parsed.to_addresses, *parsed.cc_addresses]
    parsed.plus_token = find_plus_token(recipients, own_domains)
    return parsed
