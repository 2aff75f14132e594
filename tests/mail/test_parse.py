from __future__ import annotations

import datetime as dt

import pytest

from casedesk.mail.parse import (
    find_plus_token,
    find_severity,
    find_tracking_ref,
    html_to_text,
    parse_message,
)
from tests.mail.conftest import make_mail

LIMIT = 100_000


def parse(raw: bytes, **kwargs: object) -> object:
    return parse_message(raw, max_attachment_bytes=LIMIT, **kwargs)  # type: ignore[arg-type]


def test_it_reads_the_ordinary_fields() -> None:
    raw = make_mail(
        message_id="<abc@mail.acme.example>",
        headers={"In-Reply-To": "<x@y>", "References": "<w@y> <x@y>", "Cc": "Bob <BOB@x.example>"},
    )
    p = parse(raw)
    assert p.message_id == "abc@mail.acme.example"
    assert p.in_reply_to == "x@y"
    assert p.references == ["w@y", "x@y"]
    assert p.thread_ids == ["x@y", "w@y"]
    assert (p.from_name, p.from_address) == ("Alice Adams", "alice@acme.example")
    assert p.to_addresses == ["support@support.example"]
    assert p.cc_addresses == ["bob@x.example"]
    assert p.subject == "Cluster will not start"
    assert p.date_header == dt.datetime(2026, 3, 2, 17, 58, tzinfo=dt.UTC)
    assert p.text == "The scheduler crashes on boot."
    assert p.problems == []


def test_it_generates_a_stable_message_id_when_missing() -> None:
    raw = b"From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n"
    first, second = parse(raw), parse(raw)
    assert first.message_id == second.message_id
    assert first.message_id.endswith("@generated.casedesk.invalid")
    assert first.message_id_generated is True
    assert parse(raw + b"more").message_id != first.message_id


def test_it_decodes_rfc2047_subjects_and_tolerates_bad_charsets() -> None:
    good = b"From: a@x.example\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?= aus =?iso-8859-1?q?K=F6ln?=\r\n\r\nx"
    assert parse(good).subject == "Grüße aus Köln"
    bad = b"From: a@x.example\r\nSubject: =?x-nope?B?SGVsbG8=?= world\r\n\r\nx"
    assert parse(bad).subject == "Hello world"


def test_it_sanitises_html_and_keeps_a_text_version() -> None:
    html = (
        '<p>Hi <b>there</b></p><script>alert(1)</script><img src="x" onerror="alert(2)">'
        '<a href="javascript:alert(3)">click</a><style>p{}</style><a href="https://ok.example">ok</a>'
    )
    raw = b"From: a@x.example\r\nSubject: s\r\nContent-Type: text/html\r\n\r\n" + html.encode()
    p = parse(raw)
    assert p.html == (
        '<p>Hi <b>there</b></p><img src="x"><a rel="noopener noreferrer">click</a>'
        '<a href="https://ok.example" rel="noopener noreferrer">ok</a>'
    )
    assert p.text == "Hi there\nclickok"


def test_it_prefers_the_text_part_of_an_alternative() -> None:
    p = parse(make_mail(body="plain words", html="<p>html words</p>"))
    assert p.text == "plain words"
    assert p.html == "<p>html words</p>\n"


def test_it_keeps_attachments_within_the_limit_and_refuses_larger_ones() -> None:
    raw = make_mail(
        attachments=[
            ("small.log", "text/plain", b"x" * 10),
            ("big.bin", "application/octet-stream", b"y" * (LIMIT + 1)),
        ]
    )
    p = parse(raw)
    assert [(a.name, a.content_type, a.data) for a in p.attachments] == [
        ("small.log", "text/plain", b"x" * 10)
    ]
    assert [(r.name, r.size) for r in p.refused_attachments] == [("big.bin", LIMIT + 1)]


def test_it_treats_a_forwarded_message_as_one_attachment() -> None:
    inner = b"From: b@x.example\r\nSubject: Original problem\r\n\r\nInner body with Sev 1\r\n"
    raw = (
        b"From: a@x.example\r\nSubject: fwd\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
        b"see below\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n" + inner + b"\r\n--b--\r\n"
    )
    p = parse(raw)
    assert p.text == "see below"
    assert [(a.name, a.content_type) for a in p.attachments] == [
        ("Original problem.eml", "message/rfc822")
    ]
    assert b"Inner body with Sev 1" in p.attachments[0].data


def test_it_keeps_the_content_id_of_inline_images() -> None:
    raw = (
        b"From: a@x.example\r\nSubject: s\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/related; boundary=r\r\n\r\n--r\r\nContent-Type: text/html\r\n\r\n"
        b'<img src="cid:shot@x">\r\n--r\r\nContent-Type: image/png\r\nContent-ID: <shot@x>\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--r--\r\n"
    )
    p = parse(raw)
    assert p.html == '<img src="cid:shot@x">'
    assert [(a.content_type, a.content_id, a.data) for a in p.attachments] == [
        ("image/png", "shot@x", b"\x89PNG\r\n\x1a\n")
    ]


@pytest.mark.parametrize(
    ("headers", "signal"),
    [
        ({"Auto-Submitted": "auto-replied"}, "Auto-Submitted: auto-replied"),
        ({"Precedence": "bulk"}, "Precedence: bulk"),
        ({"Precedence": "list"}, "Precedence: list"),
        ({"List-Id": "<users.lists.example>"}, "List-Id present"),
        ({"Return-Path": "<>"}, "null Return-Path"),
        ({"X-Auto-Response-Suppress": "All"}, "X-Auto-Response-Suppress"),
    ],
)
def test_it_notices_automated_mail(headers: dict[str, str], signal: str) -> None:
    p = parse(make_mail(headers=headers))
    assert p.loop_signals == [signal]
    assert p.auto_submitted is True


def test_it_notices_mailer_daemon_and_ignores_auto_submitted_no() -> None:
    assert parse(make_mail(sender="MAILER-DAEMON@mx.example")).loop_signals == [
        "sender is mailer-daemon"
    ]
    assert parse(make_mail(headers={"Auto-Submitted": "no"})).auto_submitted is False


# What find_severity reads in a subject, and what it must not. Whole words only, 1-4 only.
SEVERITY_TABLE = [
    # read: the ways customers write it
    ("Sev 1: production down", 1),
    ("Severity 1 - cluster down", 1),
    ("SEV-1 outage", 1),
    ("Sev1 outage", 1),
    ("sev-2 slow queries", 2),
    ("[SEV2] slow", 2),
    ("Severity 3 - question", 3),
    ("severity: 4", 4),
    ("Sev. 2 login fails", 2),
    ("S1 outage", 1),
    ("s2: replication lag", 2),
    ("[S4] typo in the docs", 4),
    ("P1 outage", 1),
    ("p2 - reports slow", 2),
    ("(P3) question about backups", 3),
    ("Outage, P1.", 1),
    ("Priority 1: cluster down", 1),
    ("Priority: 2 scheduler stuck", 2),
    ("PRIORITY 3", 3),
    ("priority 4 docs", 4),
    ("Re: [CASE-12] now Sev 2", 2),
    ("Sev 2, was P1", 2),  # the first one written
    # not read: other words, numbers and names
    ("several issues", None),
    ("Sev 5", None),
    ("Severity 0", None),
    ("Priority 10 tasks fail", None),
    ("S12 rack offline", None),
    ("S3 bucket not reachable", None),  # Amazon S3, not Severity 3: see _SEVERITY
    ("S3: upload fails", None),
    ("SP1 install fails", None),
    ("Service Pack SP1", None),
    ("P10 queue", None),
    ("1.P1 build", None),
    ("p2p sync broken", None),
    ("HTTP/1.1 errors", None),
    ("mp3 uploads fail", None),
    ("Release 4.1 breaks login", None),
    ("v1.2 upgrade", None),
    ("P1.2 firmware", None),
    ("p3.2xlarge instances", None),
    ("p4d nodes", None),
    ("S1-ABC part number", None),
    ("build/P1 failed", None),
    ("Sev 1.5 rollout", None),
    ("HP1 printer", None),
    ("Sev10", None),
    ("", None),
]


@pytest.mark.parametrize(("subject", "severity"), SEVERITY_TABLE)
def test_it_reads_a_requested_severity_as_customers_write_it(
    subject: str, severity: int | None
) -> None:
    assert find_severity(subject) == severity


@pytest.mark.parametrize(
    ("subject", "prefix", "ref"),
    [
        ("Re: [CASE-123] Cluster down", None, "CASE-123"),
        ("Re: Cluster down (CASE-7)", None, "CASE-7"),
        ("Re: SEV-1 UTF-8 trouble [ACME-42]", None, "ACME-42"),
        ("Re: SEV-1 UTF-8 trouble", None, ""),
        ("re: case-9 still broken", "CASE", "CASE-9"),
        ("Re: TICKET-9", "CASE", ""),
    ],
)
def test_it_finds_the_tracking_number_in_the_subject(
    subject: str, prefix: str | None, ref: str
) -> None:
    assert find_tracking_ref(subject, prefix) == ref


def test_it_finds_the_plus_token_of_our_domain_only() -> None:
    recipients = ["me+tag@gmail.example", "Support+ab1.xyz@Support.Example"]
    assert find_plus_token(recipients, ["support.example"]) == "ab1.xyz"
    assert find_plus_token(["support@support.example"], ["support.example"]) == ""
    p = parse(make_mail(to="support+q1.zz@support.example"), own_domains=["support.example"])
    assert p.plus_token == "q1.zz"


def test_it_strips_nul_bytes_and_mends_8bit_headers() -> None:
    raw = b"From: a@x.example\r\nSubject: Gr\xc3\xbc\xc3\x9fe\x00 \xff\r\n\r\nbo\x00dy"
    p = parse(raw)
    assert p.subject == "Grüße \ufffd"
    assert p.text == "body"


def test_html_to_text_keeps_lines_and_drops_scripts() -> None:
    assert html_to_text("<div>a&amp;b</div><script>x()</script><p>c<br>d</p>") == "a&b\n\nc\nd"


HEADERS = [
    ("Subject", "Sev 2: scheduler down"),
    ("Subject", "A long subject folded\r\n over two lines\r\n\tand a tab"),
    ("Subject", '  spaces   inside  and (parentheses) "quotes" <angles>'),
    ("Subject", "=?utf-8?q?caf=C3=A9?= is an encoded word"),
    ("Subject", "non-ASCII café"),
    ("Message-ID", "<abc.123@mx.example>"),
    ("Message-ID", "  <abc@mx.example> trailing"),
    ("Message-ID", "no-angles@mx.example"),
    ("In-Reply-To", "<a@x.example>\r\n <b@x.example>"),
    ("Auto-Submitted", "auto-replied; owner-email=x@y.example"),
    ("Precedence", "bulk"),
]


@pytest.mark.parametrize(("name", "value"), HEADERS)
def test_a_plain_header_reads_as_the_email_packages_parser_reads_it(name: str, value: str) -> None:
    from email.parser import BytesParser

    from casedesk.mail.parse import clean_text
    from casedesk.mail.parse.headers import plain_header
    from casedesk.mail.parse.reader import POLICY

    raw = f"From: a@b.example\r\n{name}: {value}\r\n\r\nbody\r\n".encode()
    msg = BytesParser(policy=POLICY).parsebytes(raw)
    quick = plain_header(msg, name)
    if quick is not None:  # only plain ASCII without encoded words takes the quick way
        assert value.isascii() and "=?" not in value
        assert quick == clean_text(str(msg.get(name)))
    else:
        assert not value.isascii() or "=?" in value or name == "Message-ID"
    assert plain_header(msg, "X-Absent") == ""


@pytest.mark.parametrize(
    "value", ["Fri, 27 Nov 2026 23:35:19 +0000", "Fri,  27 Nov 2026 23:35:19 -0800 (PST)", "junk"]
)
def test_a_date_reads_as_the_email_packages_parser_reads_it(value: str) -> None:
    from email.utils import parsedate_to_datetime

    raw = f"From: a@b.example\r\nMessage-ID: <d@x>\r\nDate: {value}\r\n\r\nx\r\n".encode()
    parsed = parse(raw)
    try:
        expected = parsedate_to_datetime(value)
    except ValueError:
        assert parsed.date_header is None and "Date header unreadable" in parsed.problems
    else:
        assert parsed.date_header == expected


@pytest.mark.parametrize(
    ("header", "message_id"),
    [
        ("<1234.5678@mail.acme.example >", "1234.5678@mail.acme.example"),
        ("<abc@host.example", "abc@host.example"),
        ("<abc@host.example;x>", "abc@host.example"),
        ("  <abc@host.example>  ", "abc@host.example"),
    ],
)
def test_a_sloppy_message_id_still_yields_its_id(header: str, message_id: str) -> None:
    # The id keys deduplication: the same message through two hops must give the same id.
    raw = f"From: a@b.example\r\nMessage-ID: {header}\r\n\r\nx\r\n".encode()
    assert parse(raw).message_id == message_id


def _mailboxes() -> list[str]:
    import random

    fixed = [
        "Alice Adams <alice@acme.example>",
        "alice@acme.example",
        "  Alice   Adams  <alice@acme.example>  ",
        "Alice<alice@acme.example>",
        "O'Brien <ob@x.example>",
        "J. Smith <j@x.example>",
        '"Smith, J" <j@x.example>',
        "a@b.example, c@d.example",
        "<alice@acme.example>",
        "Alice\t<a.b+c@x-y.example>",
    ]
    rng = random.Random(7)  # fixed: the same 500 generated mailboxes every run
    atext = "abcXYZ019!#$%&'*+/=?^_`{|}~-. "
    for _ in range(500):
        name = "".join(rng.choice(atext) for _ in range(rng.randint(0, 8)))
        local = "".join(rng.choice(atext[:-1]) for _ in range(rng.randint(1, 6)))
        fixed.append(rng.choice([f"{name} <{local}@x.example>", f"{local}@x.example"]))
    return fixed


def test_a_plain_mailbox_reads_as_the_address_parser_reads_it() -> None:
    from email.parser import BytesParser

    from casedesk.mail.parse import clean_text
    from casedesk.mail.parse.headers import plain_mailbox
    from casedesk.mail.parse.reader import POLICY

    quick_ones = 0
    for mailbox in _mailboxes():
        msg = BytesParser(policy=POLICY).parsebytes(f"From: {mailbox}\r\n\r\nx\r\n".encode())
        quick = plain_mailbox(msg, "From")
        if quick is None:
            continue
        quick_ones += 1
        [address] = msg.get("From").addresses
        assert (clean_text(quick[0]), quick[1]) == (
            clean_text(address.display_name),
            address.addr_spec,
        ), mailbox
    assert quick_ones > 250  # the common forms do take the quick way
