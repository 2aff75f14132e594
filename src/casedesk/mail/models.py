"""Mail records: every inbound message is stored before anything acts on it."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class InboundStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    PROCESSED = "processed", "Processed"
    HELD_UNVERIFIED = "held_unverified", "Held: sender not verified"
    DISCARDED = "discarded", "Discarded"
    FAILED = "failed", "Failed"


class InboundMessage(models.Model):
    # Idempotency: the same Message-ID delivered twice is recorded once (parse.py generates a
    # content hash when the header is missing).
    message_id = models.CharField(max_length=255, unique=True)
    raw = models.BinaryField()
    received_at = models.DateTimeField()
    source = models.CharField(max_length=10, default="smtp")  # "smtp" or "imap"
    envelope_from = models.CharField(max_length=320, blank=True)
    envelope_to = models.JSONField(default=list)
    from_address = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=255, blank=True)
    status = models.CharField(
        max_length=20, choices=InboundStatus.choices, default=InboundStatus.RECEIVED
    )
    # Same Message-ID with different content (a sender that reuses IDs) is not a duplicate:
    # this digest of what the sender wrote tells a redelivery from a new message.
    digest = models.CharField(max_length=64, blank=True)
    # The case this message opened or replied to.
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    problems = models.JSONField(default=list, blank=True)  # what the parser could not read
    error = models.TextField(blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    # An engineer's decision on a held message: attached to a customer, or discarded (why).
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.TextField(blank=True)

    class Meta:
        indexes = [
            # The unverified and failed lanes: messages by status, oldest first.
            models.Index(fields=["status", "received_at"], name="mail_inbound_status_recv"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.status})"


class UnverifiedNotice(models.Model):
    """One explanatory reply per unknown sender per (UTC) day, claimed by the unique pair."""

    address = models.CharField(max_length=320)
    day = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["address", "day"], name="mail_unverified_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.address} {self.day}"


class OutboundStatus(models.TextChoices):
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutboundMessage(models.Model):
    """Recorded as "sending" in the transaction that decides to send, sent after its commit."""

    message_id = models.CharField(max_length=255, unique=True)
    case_id = models.BigIntegerField(null=True, blank=True)
    to = models.JSONField(default=list)
    subject = models.CharField(max_length=255)
    kind = models.CharField(max_length=30, blank=True)  # "ack", "unverified", "refused", ...
    status = models.CharField(
        max_length=10, choices=OutboundStatus.choices, default=OutboundStatus.SENDING
    )
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # What this mail announces ("event:<id>", "ack:<case id>"): unique, so a retried task
    # never sends the same notification twice. Empty for one-off notices.
    key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        indexes = [
            # A retry scan: outbound mail still "sending" or "failed", oldest first.
            models.Index(fields=["status", "created_at"], name="mail_outbound_status_created"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.status})"
