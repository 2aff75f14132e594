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
    QUEUED = "queued", "Waiting to be sent"
    SENT = "sent", "Sent"
    GAVE_UP = "gave_up", "Gave up"


class OutboundMessage(models.Model):
    """One mail in the outbox (casedesk.mail.outbox): every mail casedesk sends is one of these.

    Recorded in the transaction that decides to send it, holding all the mail needs, so a
    rolled-back change mails nothing and a crash after the commit loses nothing. The worker
    sends it with retries; after CASEDESK_MAIL_MAX_ATTEMPTS it is given up and listed in the
    console, where an engineer may send it again.
    """

    message_id = models.CharField(max_length=255, unique=True)
    case_id = models.BigIntegerField(null=True, blank=True)
    # "ack", an event kind ("replied", ...), "unverified", "refused", "sla:<alert kind>".
    kind = models.CharField(max_length=30, blank=True)
    # What this mail announces ("event:<id>", "ack:<case id>", "alert:<id>"): unique, so the
    # same notification is never queued twice. Empty (NULL) for one-off notices.
    key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    to = models.JSONField(default=list)
    reply_to = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=255)
    # Rendered when queued; an event's mail is rendered from the event log at its first
    # attempt (see cases/notifications.py), so an empty body with an "event:" key is still to be written.
    body = models.TextField(blank=True)
    # Message headers besides Message-ID: In-Reply-To, References, Auto-Submitted, X-Casedesk-*.
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=OutboundStatus.choices, default=OutboundStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the next attempt may start; NULL once sent or given up. A sender's claim moves it
    # forward by the lease, so a worker killed mid-send leaves the mail to another.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)  # the last attempt's failure

    class Meta:
        indexes = [
            # The console's lists: mail by status, newest first.
            models.Index(fields=["status", "created_at"], name="mail_outbound_status_created"),
            # The delivery loop: `next_attempt_at <= now ORDER BY next_attempt_at LIMIT n`.
            models.Index(fields=["next_attempt_at"], name="mail_outbound_next_attempt"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.status})"
