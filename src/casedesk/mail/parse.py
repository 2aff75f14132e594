"""Turn raw RFC 5322 bytes into a ParsedMessage without ever raising.

Mail is hostile input: every header read and every part decode is guarded, and whatever could
not be read is written to `problems` instead. The raw bytes are kept elsewhere (InboundMessage),
so a lossy parse never loses the message itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html as html_lib
import mimetypes
import re
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any, cast

import nh3

MAX_ID_LENGTH = 255
MAX_SUBJECT_LENGTH = 998  # RFC 5322 line limit; the case service trims further
GENERATED_ID_DOMAIN = "generated.casedesk.invalid"

_MSGID = re.compile(r"<([^<>\s]{1,998})>")
_PLAIN_VALUE = re.compile(r"[\t\r\n\x20-\x7e]*\Z")
_LINE_BREAK = re.compile(r"[\r\n]")  # unfolding, as the email policy does it
# Read through the registry always: its parse of these is more than unfolding (a Message-ID's
# parser takes the id out of "<id >", "<id" or "<id;junk>", and ids key deduplication).
_STRUCTURED = frozenset({"message-id"})
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_ADDRESS = rf"{_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
_MAILBOX = re.compile(
    rf"[ \t]*(?:((?:{_ATOM}[ \t]+)*{_ATOM})[ \t]*<({_ADDRESS})>|({_ADDRESS}))[ \t]*\Z"
)
# A requested severity as customers write it: "Sev 1", "Severity: 2", "SEV-1", "Sev1",
# "Priority 3", "S1", "P2" (1-4 only). A whole word: not inside a word ("SP1", "mp3", "HP1"),
# a version or a path ("1.P1", "P1.2", "v1.2", "HTTP/1.1", "build/P1"), nor followed by more
# of one ("P10", "p2p", "S1-ABC", "Sev 1.5"). "S3" alone is not read: in a support subject
# it is Amazon S3 far more often than Severity 3 ("S3 bucket"), and a wrong request lands at
# the top of the queue; "Sev 3" and "P3" still are.
_SEVERITY = re.compile(
    r"(?<![\w./-])"  # starts a word
    r"(?:(?:sev(?:erity)?|priority)[\s:#=.-]{0,3}|s(?=[124])|p)([1-4])"
    r"(?!\w|[./-]\w)",  # ends it
    re.IGNORECASE,
)
_ANY_REF = re.compile(r"\b([A-Z][A-Z0-9]{0,9})-(\d{1,12})\b")
# Words that look like refs in subjects but are not: "SEV-1", "UTF-8", "ISO-8859", "CVE-2024".
_NOT_REFS = frozenset({"SEV", "SEVERITY", "S", "P", "UTF", "ISO", "CVE", "RFC", "WINDOWS", "X"})
_TOKEN = re.compile(r"^[A-Za-z0-9._=-]{1,100}$")
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "pre"}
)
_AUTOMATED_PRECEDENCE = frozenset({"bulk", "junk", "list"})


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


def clean_text(value: object) -> str:
    """A str that every database accepts: no NULs, no lone surrogates from 8-bit headers."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    # 8-bit header bytes arrive as surrogate escapes; most such bytes are UTF-8 in practice.
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return text.replace("\x00", "")


class _ParsedOnce(EmailMessage):
    """An EmailMessage that parses each header once.

    Reading a message asks for some headers several times (Content-Type alone about eight times
    a part, through the email package's own helpers), and each ask re-runs the header
    registry's parser: about a fifth of the intake's CPU. The values are the same objects the
    registry returns; a change to the headers (only the generator makes one, on an embedded
    message) empties the cache.
    """

    def _header_cache(self) -> dict[tuple[str, bool], Any]:
        key = (id(self._headers), len(self._headers))  # type: ignore[attr-defined]  # private
        if self.__dict__.get("_cache_key") != key:
            self.__dict__["_cache_key"] = key
            self.__dict__["_cache"] = {}
        return self.__dict__["_cache"]

    def get(self, name: str, failobj: Any = None) -> Any:
        cache = self._header_cache()
        key = (name.lower(), False)
        if key not in cache:
            cache[key] = super().get(name)  # raises as before: failures are not cached
        value = cache[key]
        return failobj if value is None else value

    def get_all(self, name: str, failobj: Any = None) -> Any:
        cache = self._header_cache()
        key = (name.lower(), True)
        if key not in cache:
            cache[key] = super().get_all(name)
        values = cache[key]
        return failobj if values is None else list(values)

    def replace_header(self, _name: str, _value: Any) -> None:
        self.__dict__.pop("_cache_key", None)  # changes a header in place: same list, same length
        super().replace_header(_name, _value)


_POLICY = policy.default.clone(message_factory=_ParsedOnce)


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
    msg = _message_from_bytes(raw, problems)
    parsed = ParsedMessage(message_id="")
    parsed.problems = problems
    _read_headers(parsed, msg, raw)
    _read_body(parsed, msg, max_attachment_bytes)
    parsed.requested_severity = find_severity(parsed.subject)
    parsed.tracking_ref = find_tracking_ref(parsed.subject, ref_prefix)
    recipients = [*envelope_recipients, *parsed.to_addresses, *parsed.cc_addresses]
    parsed.plus_token = find_plus_token(recipients, own_domains)
    return parsed


def _message_from_bytes(raw: bytes, problems: list[str]) -> Message:
    try:
        return BytesParser(policy=_POLICY).parsebytes(raw)
    except Exception as exc:  # the parser is lenient, but not provably so
        problems.append(f"unparseable message ({type(exc).__name__}); read as plain text")
        fallback = EmailMessage()
        fallback.set_payload(raw.decode("utf-8", "replace"))
        return fallback


# Headers -----------------------------------------------------------------------------------


def _header(msg: Message, name: str, problems: list[str]) -> str:
    """One header as text; the registry's parse first, then the undecoded value."""
    plain = _plain_header(msg, name)
    if plain is not None:
        return plain
    try:
        value = msg.get(name)
        return clean_text(value) if value is not None else ""
    except Exception as exc:
        problems.append(f"{name} header unreadable ({type(exc).__name__})")
    try:
        for key, value in msg.raw_items():
            if key.lower() == name.lower():
                return clean_text(_decode_words(str(value)))
    except Exception:  # noqa: S110 - the problem is already recorded above
        pass
    return ""


def _plain_header(msg: Message, name: str) -> str | None:
    """The first `name` header ("" when absent) when it is printable ASCII without encoded
    words, as most headers of most mail are: for such a value the registry's parse returns the
    value itself, unfolded, so it is skipped (it costs a tenth of intake's CPU). None: parse."""
    wanted = name.lower()
    if wanted in _STRUCTURED:
        return None
    for key, value in msg.raw_items():
        if key.lower() == wanted:
            if isinstance(value, str) and "=?" not in value and _PLAIN_VALUE.match(value):
                return clean_text(_LINE_BREAK.sub("", value))
            return None
    return ""


def _count_headers(msg: Message, name: str) -> int:
    wanted = name.lower()
    return sum(1 for key, _ in msg.raw_items() if key.lower() == wanted)


def _decode_words(value: str) -> str:
    """RFC 2047 decoding that tolerates unknown charsets and broken encoded words."""
    try:
        return str(make_header(decode_header(value)))
    except Exception:  # noqa: S110 - an unknown charset; decoded chunk by chunk below
        pass
    out = []
    try:
        for chunk, charset in decode_header(value):
            if isinstance(chunk, str):
                out.append(chunk)
                continue
            try:
                out.append(chunk.decode(charset or "utf-8", "replace"))
            except LookupError:
                out.append(chunk.decode("utf-8", "replace"))
        return "".join(out)
    except Exception:
        return value


def _read_headers(parsed: ParsedMessage, msg: Message, raw: bytes) -> None:
    problems = parsed.problems
    _read_message_id(parsed, _header(msg, "Message-ID", problems), raw)
    if _count_headers(msg, "Message-ID") > 1:
        problems.append("more than one Message-ID header; the first is used")
    parsed.in_reply_to = next(iter(_msg_ids(_header(msg, "In-Reply-To", problems))), "")
    parsed.references = _msg_ids(_header(msg, "References", problems))[-50:]
    parsed.from_name, parsed.from_address = _from(msg, problems)
    parsed.to_addresses = _addresses(msg, "To", problems)
    parsed.cc_addresses = _addresses(msg, "Cc", problems)
    subject = " ".join(_header(msg, "Subject", problems).split())
    if len(subject) > MAX_SUBJECT_LENGTH:
        problems.append(f"subject of {len(subject)} characters cut to {MAX_SUBJECT_LENGTH}")
    parsed.subject = subject[:MAX_SUBJECT_LENGTH]
    parsed.date_header = _date(_header(msg, "Date", problems), problems)
    parsed.loop_signals = _loop_signals(msg, parsed.from_address, problems)


def _msg_ids(value: str) -> list[str]:
    return [m for m in _MSGID.findall(value) if len(m) <= MAX_ID_LENGTH]


def generated_message_id(raw: bytes) -> str:
    return f"{hashlib.sha256(raw).hexdigest()[:40]}@{GENERATED_ID_DOMAIN}"


def _read_message_id(parsed: ParsedMessage, value: str, raw: bytes) -> None:
    ids = _MSGID.findall(value)
    candidate = ids[0] if ids else value.strip()
    if candidate and len(candidate) <= MAX_ID_LENGTH and " " not in candidate:
        parsed.message_id = candidate
        return
    # Missing or unusable: a hash of the bytes, so a redelivery of the same bytes still dedupes.
    parsed.problems.append("no usable Message-ID; one was generated from the content")
    parsed.message_id = generated_message_id(raw)
    parsed.message_id_generated = True


def _from(msg: Message, problems: list[str]) -> tuple[str, str]:
    plain = _plain_mailbox(msg, "From")
    if plain is not None:
        return clean_text(plain[0]), _normal_address(plain[1])
    try:
        header: Any = msg.get("From")  # a header object of the registry, not a str
        if header is not None and getattr(header, "addresses", None):
            address = header.addresses[0]
            return clean_text(address.display_name), _normal_address(address.addr_spec)
    except Exception as exc:
        problems.append(f"From header unreadable ({type(exc).__name__})")
    name, address = parseaddr(_raw_header(msg, "From"))
    return clean_text(_decode_words(name)), _normal_address(address)


def _raw_header(msg: Message, name: str) -> str:
    try:
        for key, value in msg.raw_items():
            if key.lower() == name.lower():
                return clean_text(value)
    except Exception:  # noqa: S110 - callers treat "" as absent
        pass
    return ""


def _normal_address(value: str) -> str:
    address = clean_text(value).strip().strip("<>").lower()
    if address.count("@") != 1 or " " in address or len(address) > 320:
        return ""
    local, domain = address.split("@")
    return address if local and domain else ""


def _plain_mailbox(msg: Message, name: str) -> tuple[str, str] | None:
    """(display name, address) of a lone `name` header that holds one plain mailbox, such as
    "Alice Adams <alice@acme.example>" or "alice@acme.example": the registry's address parser
    reads those the same, at many times the cost. None: ask the registry."""
    if _count_headers(msg, name) != 1:
        return None
    found = _MAILBOX.match(_plain_header(msg, name) or "")
    if found is None:
        return None
    name_words, named, bare = found.groups()
    return (" ".join(name_words.split()), named) if named else ("", bare)


def _addresses(msg: Message, name: str, problems: list[str]) -> list[str]:
    plain = _plain_mailbox(msg, name)
    if plain is not None:
        return [a for a in [_normal_address(plain[1])] if a]
    values = []
    try:
        for header in msg.get_all(name) or []:
            values += [a.addr_spec for a in getattr(header, "addresses", ())]
    except Exception as exc:
        problems.append(f"{name} header unreadable ({type(exc).__name__})")
        values = [a for _, a in getaddresses([_raw_header(msg, name)])]
    return [a for a in map(_normal_address, values) if a][:100]


def _date(value: str, problems: list[str]) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except Exception:
        problems.append("Date header unreadable")
        return None
    # "-0000" means "zone unknown" (RFC 5322 3.3); UTC is the honest reading.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _loop_signals(msg: Message, from_address: str, problems: list[str]) -> list[str]:
    signals = []
    auto = _header(msg, "Auto-Submitted", problems).split(";")[0].strip().lower()
    if auto and auto != "no":
        signals.append(f"Auto-Submitted: {auto}")
    precedence = _header(msg, "Precedence", problems).strip().lower()
    if precedence in _AUTOMATED_PRECEDENCE:
        signals.append(f"Precedence: {precedence}")
    if _header(msg, "List-Id", problems):
        signals.append("List-Id present")
    suppress = _header(msg, "X-Auto-Response-Suppress", problems).lower()
    if "all" in suppress or "autoreply" in suppress:
        signals.append("X-Auto-Response-Suppress")
    if _header(msg, "X-Autoreply", problems) or _header(msg, "X-Autorespond", problems):
        signals.append("X-Autoreply present")
    if "Return-Path" in msg and _header(msg, "Return-Path", problems).strip() in ("", "<>"):
        signals.append("null Return-Path")
    local = from_address.partition("@")[0]
    if local in ("mailer-daemon", "postmaster") or local.startswith(("noreply", "no-reply")):
        signals.append(f"sender is {local}")
    return signals


# Body -------------------------------------------------------------------------------------


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


def _read_body(parsed: ParsedMessage, msg: Message, limit: int) -> None:
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
    name = clean_text(_decode_words(name)) if "=?" in name else clean_text(name)
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
    content_id = _msg_ids(_header(part, "Content-ID", parsed.problems))
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


# HTML -------------------------------------------------------------------------------------


def sanitize_html(value: str, problems: list[str] | None = None) -> str:
    """Safe to show in a page: nh3 drops script/style, event handlers and javascript: URLs."""
    try:
        # cid: keeps inline images pointing at their attachments.
        return nh3.clean(clean_text(value), url_schemes=nh3.ALLOWED_URL_SCHEMES | {"cid"})
    except Exception as exc:
        if problems is not None:
            problems.append(f"HTML could not be sanitised ({type(exc).__name__}); dropped")
        return ""


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head", "title"):
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head", "title"):
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.chunks.append(data)


def html_to_text(value: str) -> str:
    """Readable text from HTML: block tags become line breaks, scripts and styles vanish."""
    extractor = _TextExtractor()
    try:
        extractor.feed(clean_text(value))
        extractor.close()
        text = "".join(extractor.chunks)
    except Exception:
        text = re.sub(r"<[^>]*>", " ", html_lib.unescape(clean_text(value)))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# Subject and recipients -------------------------------------------------------------------


def shorten(text: str, limit: int) -> str:
    """`text` in at most `limit` characters; a cut one ends in "…" so no one takes it as whole."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def find_severity(subject: str) -> int | None:
    match = _SEVERITY.search(subject or "")
    return int(match.group(1)) if match else None


def find_tracking_ref(subject: str, prefix: str | None = None) -> str:
    """The first `<PREFIX>-<digits>` in the subject, bracketed ones ("[CASE-12]") first."""
    subject = subject or ""
    if prefix:
        pattern = re.compile(rf"\b({re.escape(prefix)})-(\d{{1,12}})\b", re.IGNORECASE)
        match = pattern.search(subject)
        return f"{prefix.upper()}-{match.group(2)}" if match else ""
    bracketed = re.findall(r"\[([A-Z][A-Z0-9]{0,9})-(\d{1,12})\]", subject)
    for ref_prefix, number in [*bracketed, *_ANY_REF.findall(subject)]:
        if ref_prefix not in _NOT_REFS:
            return f"{ref_prefix}-{number}"
    return ""


def find_plus_token(recipients: list[str], own_domains: list[str] | tuple[str, ...] = ()) -> str:
    """The token of the first `local+token@domain` recipient (only our domains, when given)."""
    domains = {d.lower() for d in own_domains}
    for recipient in recipients:
        address = _normal_address(recipient)
        local, _, domain = address.partition("@")
        if domains and domain not in domains:
            continue
        _, plus, token = local.partition("+")
        if plus and _TOKEN.match(token):
            return token
    return ""
