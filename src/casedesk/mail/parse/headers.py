"""Reading the headers: Message-IDs, addresses, subject, date and the signs of automated mail.

Plain values (printable ASCII, one ordinary mailbox) are read directly: the header registry's
parse returns the same for them at many times the cost; anything else goes to the registry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from email.message import Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from typing import Any

from .message import ParsedMessage
from .text import clean_text, decode_words

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
_AUTOMATED_PRECEDENCE = frozenset({"bulk", "junk", "list"})


def header(msg: Message, name: str, problems: list[str]) -> str:
    """One header as text; the registry's parse first, then the undecoded value."""
    plain = plain_header(msg, name)
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
                return clean_text(decode_words(str(value)))
    except Exception:  # noqa: S110 - the problem is already recorded above
        pass
    return ""


def plain_header(msg: Message, name: str) -> str | None:
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


def count_headers(msg: Message, name: str) -> int:
    wanted = name.lower()
    return sum(1 for key, _ in msg.raw_items() if key.lower() == wanted)


def read_headers(parsed: ParsedMessage, msg: Message, raw: bytes) -> None:
    problems = parsed.problems
    _read_message_id(parsed, header(msg, "Message-ID", problems), raw)
    if count_headers(msg, "Message-ID") > 1:
        problems.append("more than one Message-ID header; the first is used")
    parsed.in_reply_to = next(iter(msg_ids(header(msg, "In-Reply-To", problems))), "")
    parsed.references = msg_ids(header(msg, "References", problems))[-50:]
    parsed.from_name, parsed.from_address = _from(msg, problems)
    parsed.to_addresses = _addresses(msg, "To", problems)
    parsed.cc_addresses = _addresses(msg, "Cc", problems)
    subject = " ".join(header(msg, "Subject", problems).split())
    if len(subject) > MAX_SUBJECT_LENGTH:
        problems.append(f"subject of {len(subject)} characters cut to {MAX_SUBJECT_LENGTH}")
    parsed.subject = subject[:MAX_SUBJECT_LENGTH]
    parsed.date_header = _date(header(msg, "Date", problems), problems)
    parsed.loop_signals = _loop_signals(msg, parsed.from_address, problems)


def msg_ids(value: str) -> list[str]:
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
    plain = plain_mailbox(msg, "From")
    if plain is not None:
        return clean_text(plain[0]), normal_address(plain[1])
    try:
        header: Any = msg.get("From")  # a header object of the registry, not a str
        if header is not None and getattr(header, "addresses", None):
            address = header.addresses[0]
            return clean_text(address.display_name), normal_address(address.addr_spec)
    except Exception as exc:
        problems.append(f"From header unreadable ({type(exc).__name__})")
    name, address = parseaddr(_raw_header(msg, "From"))
    return clean_text(decode_words(name)), normal_address(address)


def _raw_header(msg: Message, name: str) -> str:
    try:
        for key, value in msg.raw_items():
            if key.lower() == name.lower():
                return clean_text(value)
    except Exception:  # noqa: S110 - callers treat "" as absent
        pass
    return ""


def normal_address(value: str) -> str:
    address = clean_text(value).strip().strip("<>").lower()
    if address.count("@") != 1 or " " in address or len(address) > 320:
        return ""
    local, domain = address.split("@")
    return address if local and domain else ""


def plain_mailbox(msg: Message, name: str) -> tuple[str, str] | None:
    """(display name, address) of a lone `name` header that holds one plain mailbox, such as
    "Alice Adams <alice@acme.example>" or "alice@acme.example": the registry's address parser
    reads those the same, at many times the cost. None: ask the registry."""
    if count_headers(msg, name) != 1:
        return None
    found = _MAILBOX.match(plain_header(msg, name) or "")
    if found is None:
        return None
    name_words, named, bare = found.groups()
    return (" ".join(name_words.split()), named) if named else ("", bare)


def _addresses(msg: Message, name: str, problems: list[str]) -> list[str]:
    plain = plain_mailbox(msg, name)
    if plain is not None:
        return [a for a in [normal_address(plain[1])] if a]
    values = []
    try:
        for header in msg.get_all(name) or []:
            values += [a.addr_spec for a in getattr(header, "addresses", ())]
    except Exception as exc:
        problems.append(f"{name} header unreadable ({type(exc).__name__})")
        values = [a for _, a in getaddresses([_raw_header(msg, name)])]
    return [a for a in map(normal_address, values) if a][:100]


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
    auto = header(msg, "Auto-Submitted", problems).split(";")[0].strip().lower()
    if auto and auto != "no":
        signals.append(f"Auto-Submitted: {auto}")
    precedence = header(msg, "Precedence", problems).strip().lower()
    if precedence in _AUTOMATED_PRECEDENCE:
        signals.append(f"Precedence: {precedence}")
    if header(msg, "List-Id", problems):
        signals.append("List-Id present")
    suppress = header(msg, "X-Auto-Response-Suppress", problems).lower()
    if "all" in suppress or "autoreply" in suppress:
        signals.append("X-Auto-Response-Suppress")
    if header(msg, "X-Autoreply", problems) or header(msg, "X-Autorespond", problems):
        signals.append("X-Autoreply present")
    if "Return-Path" in msg and header(msg, "Return-Path", problems).strip() in ("", "<>"):
        signals.append("null Return-Path")
    local = from_address.partition("@")[0]
    if local in ("mailer-daemon", "postmaster") or local.startswith(("noreply", "no-reply")):
        signals.append(f"sender is {local}")
    return signals
