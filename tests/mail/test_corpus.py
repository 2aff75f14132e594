"""Hostile and malformed mail: the parser never raises, intake stores every message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from casedesk.mail import intake
from casedesk.mail.models import InboundMessage
from casedesk.mail.parse import parse_message
from tests.mail.conftest import SUPPORT

CORPUS = sorted((Path(__file__).parent / "corpus").glob("*.eml"))


def test_the_corpus_is_big_enough() -> None:
    assert len(CORPUS) >= 30


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
@pytest.mark.parametrize("limit", [0, 1000, 10_000_000])
def test_it_parses_without_raising(path: Path, limit: int) -> None:
    parsed = parse_message(path.read_bytes(), max_attachment_bytes=limit)
    assert parsed.message_id
    assert "\x00" not in parsed.text + parsed.subject + parsed.html
    assert "<script" not in parsed.html
    assert "javascript:" not in parsed.html


@pytest.mark.django_db
def test_it_stores_every_message(world: Any, mail_settings: Any, pinned_now: Any) -> None:
    replies = {
        path.name: intake.accept(
            path.read_bytes(), envelope_from="alice@example.com", recipients=[SUPPORT]
        )
        for path in CORPUS
    }
    assert {name: r for name, r in replies.items() if not r.startswith("250 ")} == {}
    assert InboundMessage.objects.count() == len(CORPUS)
    stored = {bytes(m.raw) for m in InboundMessage.objects.all()}
    assert stored == {path.read_bytes() for path in CORPUS}
