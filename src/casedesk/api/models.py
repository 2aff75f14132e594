"""Personal API tokens. Only the SHA-256 hash of a token is stored; the token is shown once."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)

    def for_bearer(self, token: str) -> ApiToken | None:
        """The live token a Bearer value names, with its user; None when unknown or revoked."""
        if not token:
            return None
        live = self.active().select_related("user", "user__support_contact__customer")
        live = live.prefetch_related("user__groups")
        # The groups and the contact record come along: the role checks read them several
        # times per request, and a contact's every call needs its organisation.
        found = live.filter(token_hash=token_hash(token)).first()
        if found is None or not found.user.is_active:
            return None
        return found


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)  # the Bearer lookup
    # The token's first characters, not secret on their own: lets people tell tokens apart.
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API token"
        verbose_name_plural = "API tokens"
        constraints = [
            # One live token per name and user, so "revoke NAME" means one token.
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=Q(revoked_at__isnull=True),
                name="apitoken_live_name",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotentRequest(models.Model):
    """A POST sent with an `Idempotency-Key`: held while it runs, then its response, replayed to
    a retry with the same key for 24 hours (casedesk.api.idempotency)."""

    # "token:<id>" or "user:<id>" (a browser session): one caller's keys never meet another's.
    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=255)
    # SHA-256 of method, path and body: a retry must send the same request.
    fingerprint = models.CharField(max_length=64)
    # Who holds it while it runs; a request that crashed loses it when `locked_until` passes.
    holder = models.CharField(max_length=32)
    locked_until = models.DateTimeField(null=True, blank=True)  # NULL once the response is in
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="api_idempotency_once_per_key")
        ]
        indexes = [
            # The purge: `expires_at < now`.
            models.Index(fields=["expires_at"], name="api_idempotency_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"
