"""The SMTP commands' paths: casedesk's quick reading agrees with aiosmtpd's full parser."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from aiosmtpd.smtp import SMTP

from casedesk.mail.smtpd import CasedeskSMTP

PATHS = [
    "<alice@acme.example>",
    " <alice@acme.example> SIZE=1000 BODY=8BITMIME",
    "<alice@acme.example>\tSIZE=1",
    "<a.b+c@x-y.example>",
    "<>",
    "alice@acme.example",
    "<alice@acme.example",
    "<a@b.example>x",
    "<a@b.example> (a comment) SIZE=1",
    "(a comment) <a@b.example>",
    '<"a b"@x.example>',
    "<a..b@x.example>",
    "<.a@b.example>",
    "<@relay.example:a@b.example>",
    "<a@[127.0.0.1]>",
    "<a@b>",
    "<" + "x" * 70 + "@b.example>",
    "<üser@b.example>",
    "<a b@c.example>",
]


@pytest.fixture
def servers() -> Iterator[tuple[SMTP, SMTP]]:
    loop = asyncio.new_event_loop()
    yield CasedeskSMTP(object(), loop=loop), SMTP(object(), loop=loop)
    loop.close()


@pytest.mark.parametrize("path", PATHS)
def test_a_path_reads_as_aiosmtpd_reads_it(servers: tuple[SMTP, SMTP], path: str) -> None:
    ours, theirs = servers
    assert ours._getaddr(path) == theirs._getaddr(path)


def test_the_local_part_limit_still_applies(servers: tuple[SMTP, SMTP]) -> None:
    ours, theirs = servers
    ours.local_part_limit = theirs.local_part_limit = 64
    path = "<" + "x" * 65 + "@b.example>"
    assert ours._getaddr(path) == theirs._getaddr(path) == (None, None)
    assert ours._getaddr("<" + "x" * 64 + "@b.example>")[0] == "x" * 64 + "@b.example"
