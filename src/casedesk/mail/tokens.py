"""Signed reply addresses: `support+<token>@domain` names one case and cannot be forged.

The token is `<case id in base 36>.<16 base-32 signature characters>`, lower case throughout
because some mail servers lower-case the local part. 80 bits of HMAC-SHA256 (salted, keyed by
SECRET_KEY, fallbacks accepted) is plenty for an address that only routes a reply.
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare

SALT = "casedesk.mail.reply-address"
_SIGNATURE_LENGTH = 16
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(number: int) -> str:
    out = ""
    while True:
        number, digit = divmod(number, 36)
        out = _DIGITS[digit] + out
        if not number:
            return out


def _signature(value: str, key: str | bytes) -> str:
    signer = signing.Signer(key=key, salt=SALT, algorithm="sha256")
    digest = signing.b64_decode(signer.signature(value).encode())
    return base64.b32encode(digest).decode().lower()[:_SIGNATURE_LENGTH]


def make_token(case_id: int) -> str:
    if case_id < 0:
        raise ValueError("case ids are positive")
    value = _base36(case_id)
    return f"{value}.{_signature(value, settings.SECRET_KEY)}"


def verify_token(token: str) -> int | None:
    """The case id a token names, or None when it is malformed or was not signed by us."""
    value, dot, signature = (token or "").strip().lower().partition(".")
    if not dot or not value or len(value) > 13 or not all(c in _DIGITS for c in value):
        return None
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    if any(constant_time_compare(signature, _signature(value, key)) for key in keys):
        return int(value, 36)
    return None


def mail_domain() -> str:
    return settings.CASEDESK_MAIL_DOMAIN


def mail_local_part() -> str:
    return settings.CASEDESK_MAIL_LOCAL_PART


def reply_address(case_id: int) -> str:
    """`support+<token>@<domain>`: replies sent here thread into the case."""
    return f"{mail_local_part()}+{make_token(case_id)}@{mail_domain()}"
