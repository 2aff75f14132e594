from __future__ import annotations

from casedesk.mail.loops import is_null_sender, should_auto_reply
from casedesk.mail.parse import parse_message
from tests.mail.conftest import make_mail

OWN = ["support@support.example", "@support.example"]


def parsed(**kwargs: object) -> object:
    return parse_message(make_mail(**kwargs), max_attachment_bytes=1000)  # type: ignore[arg-type]


def test_it_answers_a_person() -> None:
    assert should_auto_reply(parsed(), OWN, envelope_from="alice@acme.example") is True


def test_it_never_answers_automated_mail() -> None:
    assert should_auto_reply(parsed(headers={"Auto-Submitted": "auto-replied"}), OWN) is False
    assert should_auto_reply(parsed(headers={"Precedence": "junk"}), OWN) is False
    assert should_auto_reply(parsed(headers={"List-Id": "<l.example>"}), OWN) is False


def test_it_never_answers_a_null_envelope_sender() -> None:
    assert should_auto_reply(parsed(), OWN, envelope_from="") is False
    assert should_auto_reply(parsed(), OWN, envelope_from="<>") is False
    assert should_auto_reply(parsed(), OWN, envelope_from=None) is True


def test_it_never_answers_our_own_addresses() -> None:
    assert should_auto_reply(parsed(sender="support@support.example"), OWN) is False
    assert should_auto_reply(parsed(sender="support+abc.def@support.example"), OWN) is False
    assert should_auto_reply(parsed(sender="noc@support.example"), OWN) is False


def test_it_never_answers_a_message_without_a_sender() -> None:
    p = parse_message(b"Subject: x\r\n\r\nbody", max_attachment_bytes=1000)
    assert should_auto_reply(p, OWN) is False


def test_it_tells_the_null_sender_from_an_unknown_one() -> None:
    assert [is_null_sender(v) for v in ("", "<>", " <> ", None, "a@b.example")] == [
        True,
        True,
        True,
        False,
        False,
    ]
