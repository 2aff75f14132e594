from __future__ import annotations

from typing import Any

from casedesk.mail.tokens import make_token, reply_address, verify_token


def test_it_round_trips_a_case_id() -> None:
    for case_id in (1, 35, 36, 123_456_789, 2**62):
        assert verify_token(make_token(case_id)) == case_id


def test_it_is_short_lowercase_and_address_safe() -> None:
    token = make_token(123_456)
    assert token == token.lower()
    assert len(token) <= 24
    assert all(c.isalnum() or c == "." for c in token)


def test_it_survives_a_mail_server_that_changes_case() -> None:
    assert verify_token(make_token(42).upper()) == 42


def test_it_refuses_tampering() -> None:
    token = make_token(42)
    value, signature = token.split(".")
    assert verify_token(f"{make_token(43).split('.')[0]}.{signature}") is None
    assert (
        verify_token(
            f"{value}.{signature[:-1]}a" if signature[-1] != "a" else f"{value}.{signature[:-1]}b"
        )
        is None
    )
    for bad in ("", "abc", ".", "16.", "zz!.x", "1" * 40 + "." + signature):
        assert verify_token(bad) is None


def test_it_uses_secret_key_fallbacks(settings: Any) -> None:
    token = make_token(7)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    assert verify_token(token) == 7
    settings.SECRET_KEY_FALLBACKS = []
    assert verify_token(token) is None


def test_it_builds_the_reply_address(settings: Any) -> None:
    settings.CASEDESK_MAIL_DOMAIN = "support.example"
    assert reply_address(9) == f"support+{make_token(9)}@support.example"
