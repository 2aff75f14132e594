"""Reading the body: the text and HTML parts, attachments, and those over the size limit."""

from __future__ import annotations

import mimetypes
import re
from email import policy
from email.message import EmailMessage, Message
from typing import Any, cast

from .headers import header, msg_ids
from .html import html_to_text, sanitize_html
from .message import Attachment, ParsedMessage, RefusedAttachment
from .text import clean_text, decode_words


def _leaves(part: Message, depth: int = 0) -> list[Message]:
    """The parts that carry content; message/rfc822 counts as one leaf (an attachment)."""
    if depth > 100:
        return []
    try:
        if part.get_content_type() == "message/rfc822" or not part.is_multipart():
            return [part]
        children: Any = part.get_payload()
    except Exception:
        return [part]
    if not isinstance(children, list):
        return [part]
    return [leaf for child in children[:500] for leaf in _leaves(child, depth + 1)]


def read_body(parsed: ParsedMessage, msg: Message, limit: int) -> None:
    texts: list[str] = []
    htmls: list[str] = []
    for part in _leaves(msg):
        try:
            _read_part(parsed, part, texts, htmls, limit)
        except Exception as exc:
            parsed.problems.append(f"a MIME part could not be read ({type(exc).__name__})")
    if _multipart_defects(msg):
        parsed.problems.append("broken MIME structure (missing or unclosed boundary)")
    raw_html = "\n".join(htmls)
    parsed.html = sanitize_html(raw_html, parsed.problems) if raw_html else ""
    text = "\n\n".join(t.strip("\r\n") for t in texts if t.strip())
    parsed.text = clean_text(text.replace("\r\n", "\n").replace("\r", "\n"))
    if not parsed.text and raw_html:
        parsed.text = html_to_text(raw_html)


def _multipart_defects(msg: Message) -> bool:
    names = {
        "StartBoundaryNotFoundDefect",
        "CloseBoundaryNotFoundDefect",
        "NoBoundaryInMultipartDefect",
    }
    try:
        return any(type(d).__name__ in names for p in msg.walk() for d in p.defects)
    except Exception:
        return True


def _read_part(
    parsed: ParsedMessage, part: Message, texts: list[str], htmls: list[str], limit: int
) -> None:
    content_type = _content_type(part)
    name = _filename(part)
    disposition = _disposition(part)
    is_body = disposition != "attachment" and not name
    # A multipart leaf is one whose boundary never matched: its content is the best body there is.
    if is_body and (content_type == "text/plain" or content_type.startswith("multipart/")):
        texts.append(_part_text(part, parsed.problems))
    elif is_body and content_type == "text/html":
        htmls.append(_part_text(part, parsed.problems))
    else:
        _read_attachment(parsed, part, content_type, name, limit)


def _content_type(part: Message) -> str:
    try:
        return clean_text(part.get_content_type()).lower()[:100]
    except Exception:
        return "application/octet-stream"


def _disposition(part: Message) -> str:
    try:
        return (part.get_content_disposition() or "").lower()
    except Exception:
        return ""


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    name = clean_text(decode_words(name)) if "=?" in name else clean_text(name)
    # Only the last path component: "../../etc/passwd" names a file, not a place.
    return name.replace("\\", "/").rsplit("/", 1)[-1].strip()[:200]


def _part_bytes(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    if isinstance(data, bytes):
        return data
    payload = part.get_payload()
    return payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""


def _part_text(part: Message, problems: list[str]) -> str:
    try:
        # Parts come from the EmailMessage factory (policy.SMTP), which has get_content().
        return clean_text(cast(EmailMessage, part).get_content())
    except Exception:  # noqa: S110 - unknown charset or bad encoding; bytes decoded below
        pass
    data = _part_bytes(part)
    try:
        charset = part.get_content_charset() or "utf-8"
    except Exception:
        charset = "utf-8"
    try:
        return clean_text(data.decode(charset, "replace"))
    except LookupError:
        problems.append(f"unknown charset {clean_text(charset)[:40]!r}; read as UTF-8")
        return clean_text(data.decode("utf-8", "replace"))


def _read_attachment(
    parsed: ParsedMessage, part: Message, content_type: str, name: str, limit: int
) -> None:
    if content_type == "message/rfc822":
        data = _embedded_message_bytes(part)
        name = name or _embedded_name(part)
    else:
        data = _part_bytes(part)
        name = name or f"attachment{_guess_ext(content_type)}"
    if len(data) > limit:
        parsed.refused_attachments.append(RefusedAttachment(name=name, size=len(data)))
        return
    content_id = msg_ids(header(part, "Content-ID", parsed.problems))
    parsed.attachments.append(
        Attachment(
            name=name,
            content_type=content_type,
            data=data,
            content_id=content_id[0] if content_id else "",
        )
    )


def _embedded_message_bytes(part: Message) -> bytes:
    payload: Any = part.get_payload()
    if isinstance(payload, list) and payload:
        try:
            return payload[0].as_bytes(policy=policy.SMTP)
        except Exception:
            try:
                return bytes(payload[0])
            except Exception:
                return b""
    return _part_bytes(part)


def _embedded_name(part: Message) -> str:
    try:
        inner: Any = part.get_payload()[0]  # type: ignore[index]  # message/rfc822: a list
        subject = clean_text(inner.get("Subject", "")).strip()
    except Exception:
        subject = ""
    safe = re.sub(r"[^\w .-]+", "_", subject)[:80].strip() or "forwarded message"
    return f"{safe}.eml"


def _guess_ext(content_type: str) -> str:
    return mimetypes.guess_extension(content_type) or ".bin"
