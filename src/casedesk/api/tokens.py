"""The services that write API tokens: create (the secret is returned once) and revoke."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import IntegrityError, transaction

from casedesk.lib import clock
from casedesk.lib.inputs import text_problem

from .models import ApiToken, token_hash

PREFIX = "cdk_"
USE_RECORD_INTERVAL = dt.timedelta(minutes=1)


class TokenError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def create_token(user: Any, name: str, *, at: dt.datetime | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the secret, which is never stored."""
    name = " ".join((name or "").split())
    if not name:
        raise TokenError("Give the token a name, such as the script or machine that uses it.")
    problem = text_problem(name)
    if problem:
        raise TokenError(f"The name {problem}; remove it.")
    if len(name) > 100:
        raise TokenError(f"The name is {len(name)} characters; keep it under 100.")
    if not user.is_active:
        raise TokenError(f"{user.get_username()} is deactivated and cannot have API tokens.")
    secret = PREFIX + secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            token = ApiToken.objects.create(
                user=user,
                name=name,
                token_hash=token_hash(secret),
                prefix=secret[:12],
                created_at=at or clock.now(),
            )
    except IntegrityError:  # the partial unique constraint: one live token per name
        raise TokenError(
            f"{user.get_username()} already has a live token named {name!r}; revoke it or "
            "choose another name."
        ) from None
    return token, secret


def revoke_token(token: ApiToken, *, at: dt.datetime | None = None) -> bool:
    """Revoke a live token; False when it was already revoked (a conditional UPDATE)."""
    at = at or clock.now()
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=at)
    token.revoked_at = token.revoked_at or at
    return updated == 1


def record_use(token: ApiToken, at: dt.datetime | None = None) -> None:
    """Note when a token was last used, at most once a minute so reads stay reads."""
    at = at or clock.now()
    if token.last_used_at is not None and at - token.last_used_at < USE_RECORD_INTERVAL:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=at)
    token.last_used_at = at
