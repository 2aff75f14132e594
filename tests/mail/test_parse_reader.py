"""The header cache of `casedesk.mail.parse.reader` answers as the plain email package does.

It uses only the package's public API: every public method that can change a header empties
it. These tests pin that list to the installed Python's EmailMessage (a method added in a new
version fails here until it is sorted into readers or writers) and compare the answers after
each writer with a plain EmailMessage's.
"""

from __future__ import annotations

from collections.abc import Callable
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import pytest

from casedesk.mail.parse.reader import HEADER_WRITERS, POLICY, CachedHeaders
from tests.mail.conftest import make_mail

READERS = {
    "as_bytes", "as_string", "attach", "get", "get_all", "get_body", "get_boundary",
    "get_charset", "get_charsets", "get_content", "get_content_charset",
    "get_content_disposition", "get_content_maintype", "get_content_subtype",
    "get_content_type", "get_default_type", "get_filename", "get_param", "get_params",
    "get_payload", "get_unixfrom", "is_attachment", "is_multipart", "items", "iter_attachments",
    "iter_parts", "keys", "raw_items", "set_default_type", "set_unixfrom", "values", "walk",
    "__contains__", "__getitem__", "__iter__", "__len__", "__bytes__",
}  # fmt: skip
NAMES = ["Subject", "Content-Type", "X-Tag", "MIME-Version", "Content-Transfer-Encoding"]


def test_every_public_method_of_this_pythons_email_message_is_a_reader_or_a_writer() -> None:
    public = {n for n in dir(EmailMessage) if not n.startswith("_") or n in READERS}
    public |= {n for n in ("__setitem__", "__delitem__") if hasattr(EmailMessage, n)}
    callables = {n for n in public if callable(getattr(EmailMessage, n))}
    assert callables == READERS | set(HEADER_WRITERS)


def _answers(msg: Any) -> list[Any]:
    return [(str(msg.get(n)), [str(v) for v in msg.get_all(n) or []]) for n in NAMES] + [
        msg.get_content_type(),
        msg.get_param("charset"),
        msg.get_boundary(),
    ]


WRITES: dict[str, Callable[[Any], Any]] = {
    "__setitem__": lambda m: m.__setitem__("X-Tag", "two"),
    "__delitem__": lambda m: m.__delitem__("Subject"),
    "set_raw": lambda m: m.set_raw("X-Tag", "raw"),
    "add_header": lambda m: m.add_header("X-Tag", "added", kind="x"),
    "replace_header": lambda m: m.replace_header("Subject", "Replaced"),
    "set_param": lambda m: m.set_param("charset", "latin-1"),
    "del_param": lambda m: m.del_param("charset"),
    "set_type": lambda m: m.set_type("text/x-log"),
    "set_boundary": lambda m: (m.make_mixed(), m.set_boundary("b-o-u-n-d")),
    "set_charset": lambda m: m.set_charset("utf-8"),
    "set_payload": lambda m: m.set_payload("other", "iso-8859-1"),
    "clear": lambda m: m.clear(),
    "clear_content": lambda m: m.clear_content(),
    "set_content": lambda m: m.set_content("<p>x</p>", subtype="html"),
    "make_related": lambda m: m.make_related(),
    "make_alternative": lambda m: m.make_alternative(),
    "make_mixed": lambda m: m.make_mixed(),
    "add_related": lambda m: m.add_related("r", subtype="plain"),
    "add_alternative": lambda m: m.add_alternative("<p>a</p>", subtype="html"),
    "add_attachment": lambda m: m.add_attachment(b"data", maintype="application", subtype="x"),
}


def test_every_writer_is_exercised() -> None:
    assert set(WRITES) == set(HEADER_WRITERS)


@pytest.mark.parametrize("writer", sorted(WRITES))
def test_after_each_writer_the_cache_answers_as_the_email_package(writer: str) -> None:
    raw = make_mail(headers={"X-Tag": "one"})
    cached = BytesParser(policy=POLICY).parsebytes(raw)
    plain = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(cached, CachedHeaders) and type(plain) is EmailMessage
    assert _answers(cached) == _answers(plain)  # and the cache is full now
    WRITES[writer](cached)
    WRITES[writer](plain)
    assert _answers(cached) == _answers(plain)


def test_generating_an_embedded_message_leaves_the_answers_right() -> None:
    inner = make_mail(subject="Inner")
    outer = EmailMessage()
    outer["Subject"] = "Outer"
    outer.set_content("see attached")
    outer.add_attachment(inner, maintype="message", subtype="rfc822")
    cached = BytesParser(policy=POLICY).parsebytes(outer.as_bytes())
    plain = BytesParser(policy=policy.default).parsebytes(outer.as_bytes())
    for one, other in zip(cached.walk(), plain.walk(), strict=True):
        assert _answers(one) == _answers(other)
        assert one.as_bytes(policy=policy.SMTP) == other.as_bytes(policy=policy.SMTP)
        assert _answers(one) == _answers(other)
