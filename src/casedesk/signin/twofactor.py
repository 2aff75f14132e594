"""The second factor for engineers and managers: an authenticator app (TOTP) and passkeys
(WebAuthn, through django-otp-webauthn, whose views run the ceremonies) with recovery codes,
all django-otp devices (a StaticDevice's tokens are the recovery codes; each is deleted when
used). django-otp throttles wrong codes per device, doubling the wait each time.

A session signed in with a password is "verified" once a code is accepted (django_otp.login);
SecondFactorMiddleware keeps unverified sessions of logins that have a second factor, or must
have one (CASEDESK_REQUIRE_2FA), away from every other page."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_otp import verify_token
from django_otp.models import Device, VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from casedesk.customers.roles import is_agent

RECOVERY_CODES = 10
APP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"

VERIFY = "verify"
ENROL = "enrol"


class TwoFactorError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def may_enrol(user: Any) -> bool:
    return is_agent(user)


def has_second_factor(user: Any) -> bool:
    """An authenticator app or a passkey (one query: every signed-in request asks)."""
    mine = {"user": OuterRef("pk"), "confirmed": True}
    return (
        get_user_model()
        ._default_manager.filter(pk=user.pk)
        .filter(
            Exists(TOTPDevice.objects.filter(**mine))
            | Exists(WebAuthnCredential.objects.filter(**mine))
        )
        .exists()
    )


def has_app(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def passkeys(user: Any) -> list[WebAuthnCredential]:
    return list(WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("pk"))


def requirement(user: Any) -> str | None:
    """What an unverified session of `user` must do first: VERIFY, ENROL or nothing (None)."""
    if has_second_factor(user):
        return VERIFY
    if settings.CASEDESK_REQUIRE_2FA and may_enrol(user):
        return ENROL
    return None


def pending_app(user: Any) -> TOTPDevice:
    """The authenticator app being set up (its secret shown until a code confirms it)."""
    if not may_enrol(user):
        raise TwoFactorError("Only support engineers and managers use a second factor.")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def confirm_app(user: Any, code: str) -> tuple[TOTPDevice, list[str]]:
    """Turn the pending app on when `code` matches it; returns it and fresh recovery codes."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if device is None:
            raise TwoFactorError("Start again: there is no authenticator app being set up.")
        if not device.verify_token(_digits(code)):
            raise TwoFactorError(
                "That code does not match; check the app's clock and enter the current code."
            )
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()  # one app at a time
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_recovery_codes(user)
    return device, codes


def new_recovery_codes(user: Any) -> list[str]:
    """Replace the recovery codes; each works once. The codes are shown once, never again."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def remove_second_factor(user: Any) -> None:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        WebAuthnCredential.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def _digits(code: str) -> str:
    return "".join((code or "").split())


def verify(user: Any, code: str) -> Device:
    """The device that accepts `code` (an app code or a recovery code), or TwoFactorError.

    The code's shape picks the device, so a recovery code never counts as a wrong app code
    (each wrong code makes that device's next check wait longer)."""
    code = _digits(code).lower()
    if not code:
        raise TwoFactorError("Enter the 6-digit code from your app, or a recovery code.")
    model = TOTPDevice if code.isascii() and code.isdigit() else StaticDevice
    device = model.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        wait = _wait(device)
        if wait is not None:
            raise TwoFactorError(
                f"Too many wrong codes; wait {wait} seconds, then enter the current code."
            )
        found = verify_token(user, device.persistent_id, code)
        if found is not None:
            return found
    if model is StaticDevice:
        raise TwoFactorError("That recovery code is not valid or was used already.")
    raise TwoFactorError("That code is not valid; enter the current code or a recovery code.")


def _wait(device: Device) -> int | None:
    allowed, data = device.verify_is_allowed()
    if allowed or not data or data.get("reason") != VerifyNotAllowed.N_FAILED_ATTEMPTS:
        return None
    until: dt.datetime | None = data.get("locked_until")
    if until is None:
        return None
    return max(1, int((until - timezone.now()).total_seconds()) + 1)
