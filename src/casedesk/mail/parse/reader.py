"""Bytes to an email-package message whose headers are each parsed once.

Reading a message asks for some headers several times (Content-Type alone about eight times a
part, through the email package's own helpers), and each ask re-runs the header registry's
parser: without the cache parsing costs about three times as much (a third of intake's CPU).
The cache is kept with the email package's public API only: every public method that can
change a header empties it (tests/mail/test_parse_reader.py checks that list against the
installed Python's EmailMessage, and the cached answers against a plain EmailMessage's).
"""

from __future__ import annotations

from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from typing import Any

# EmailMessage's public methods that can add, remove or change a header (directly, or through
# a private helper such as `_make_multipart`); each one empties the cache.
HEADER_WRITERS = (
    "__setitem__",
    "__delitem__",
    "set_raw",
    "add_header",
    "replace_header",
    "set_param",
    "del_param",
    "set_type",
    "set_boundary",
    "set_charset",
    "set_payload",  # with a charset: Content-Type and Content-Transfer-Encoding
    "clear",
    "clear_content",
    "set_content",
    "make_related",
    "make_alternative",
    "make_mixed",
    "add_related",
    "add_alternative",
    "add_attachment",
)


class CachedHeaders(EmailMessage):
    """An EmailMessage that parses each header once; the values are the registry's own."""

    def get(self, name: str, failobj: Any = None) -> Any:
        cache = self.__dict__.setdefault("_casedesk_headers", {})
        key = (name.lower(), False)
        if key not in cache:
            cache[key] = super().get(name)  # raises as before: failures are not cached
        value = cache[key]
        return failobj if value is None else value

    def get_all(self, name: str, failobj: Any = None) -> Any:
        cache = self.__dict__.setdefault("_casedesk_headers", {})
        key = (name.lower(), True)
        if key not in cache:
            cache[key] = super().get_all(name)
        values = cache[key]
        return failobj if values is None else list(values)


def _emptying(name: str) -> Any:
    method = getattr(EmailMessage, name)

    def writer(self: CachedHeaders, *args: Any, **kwargs: Any) -> Any:
        self.__dict__.pop("_casedesk_headers", None)
        try:
            return method(self, *args, **kwargs)
        finally:
            self.__dict__.pop("_casedesk_headers", None)  # read while writing: not kept

    writer.__name__ = name
    writer.__doc__ = method.__doc__
    return writer


for _name in HEADER_WRITERS:
    setattr(CachedHeaders, _name, _emptying(_name))

POLICY = policy.default.clone(message_factory=CachedHeaders)


def message_from_bytes(raw: bytes, problems: list[str]) -> Message:
    try:
        return BytesParser(policy=POLICY).parsebytes(raw)
    except Exception as exc:  # the parser is lenient, but not provably so
        problems.append(f"unparseable message ({type(exc).__name__}); read as plain text")
        fallback = EmailMessage()
        fallback.set_payload(raw.decode("utf-8", "replace"))
        return fallback
