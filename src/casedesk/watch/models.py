"""The SLA watch's own state: each case's next alert, the alerts recorded, the pages delivered.

Only casedesk.watch writes these; `schedule.reschedule` runs on the case services' `sla_changed`
signal after every event that can move a deadline.
"""

from __future__ import annotations

from django.db import models


class AlertKind:
    PAGE = "page"
    BREACH = "breach"
    # The effort watch: quiet at the interval, escalated at twice it; a public update due.
    QUIET = "quiet"
    QUIET_ESCALATED = "quiet2x"
    UPDATE = "update"

    @staticmethod
    def warning(fraction: float) -> str:
        """ "warn50" for 0.5 of the target."""
        return f"warn{round(fraction * 100)}"


class CaseWatch(models.Model):
    """When the sweep must next look at a case; NULL when nothing more is due."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="watch")
    next_alert_at = models.DateTimeField(null=True, blank=True)
    next_alert_kind = models.CharField(max_length=10, blank=True)
    # The response deadline the schedule was computed from (for display and for the bench).
    deadline = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "case watches"
        indexes = [
            # The sweep: `next_alert_at <= now ORDER BY next_alert_at LIMIT n`. Its cost follows
            # the due rows, not the open cases.
            models.Index(fields=["next_alert_at"], name="watch_next_alert"),
        ]

    def __str__(self) -> str:
        return f"watch {self.case_id}: {self.next_alert_kind or '-'} at {self.next_alert_at}"


class EffortWatch(models.Model):
    """When the effort sweep (watch.effort_sweep) must next look at a case: a quiet warning, its
    escalation or an update due; NULL when nothing more is due."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="effort_watch")
    next_at = models.DateTimeField(null=True, blank=True)
    next_kind = models.CharField(max_length=10, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "effort watches"
        indexes = [
            # The effort sweep: `next_at <= now ORDER BY next_at LIMIT n`; costs the due rows.
            models.Index(fields=["next_at"], name="watch_effort_next"),
        ]

    def __str__(self) -> str:
        return f"effort watch {self.case_id}: {self.next_kind or '-'} at {self.next_at}"


class AlertStatus(models.TextChoices):
    MAILED = "mailed", "Queued in the outbox"  # the mail's own state is its OutboundMessage's
    PAGED = "paged", "Handed to the pager"
    # Before the outbox (watch 0002) the watch sent its own mail: "pending" alerts are handed to
    # the outbox by the next sweep; "sent" and "failed" stay as they were.
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class SlaAlert(models.Model):
    """One warning, breach notice or page: recorded before it is sent, so a crash loses nothing.

    A mailed alert's mail is an OutboundMessage keyed "alert:<id>" (casedesk.mail.outbox),
    queued in the transaction that records the alert.

    The unique key (case, kind, deadline) makes each alert happen once per deadline on every
    database; a new deadline (severity change) may warn again. A page is keyed by the case's
    receipt instead: the on-duty engineer is paged at most once per case.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="sla_alerts")
    kind = models.CharField(max_length=10)
    deadline = models.DateTimeField()
    due_at = models.DateTimeField()
    step = models.CharField(max_length=10)  # "assignee", "team", "managers" or "pager"
    recipients = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=AlertStatus.choices, default=AlertStatus.PENDING
    )
    # lease_until, attempts, sent_at and error: the watch's own sending, before the outbox;
    # kept for the alerts it sent.
    lease_until = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    message_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = "SLA alert"
        verbose_name_plural = "SLA alerts"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "deadline"], name="watch_alert_once_per_deadline"
            )
        ]
        indexes = [
            # Alerts recorded before the outbox and not yet handed to it: `status = 'pending'`.
            models.Index(fields=["status", "lease_until"], name="watch_alert_outbox"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for case {self.case_id} ({self.status})"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Retrying"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Gave up"


class WebhookDelivery(models.Model):
    """A page: one signed webhook, retried with backoff; shown on the case."""

    alert = models.OneToOneField(SlaAlert, on_delete=models.CASCADE, related_name="delivery")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="webhook_deliveries"
    )
    # Sent as X-Casedesk-Delivery and in the body: receivers drop a delivery id they have seen.
    delivery_id = models.CharField(max_length=40, unique=True)
    url = models.URLField(max_length=500)
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        indexes = [
            # The retry loop: `next_attempt_at <= now` (NULL once delivered or given up).
            models.Index(fields=["next_attempt_at"], name="watch_delivery_next"),
            # A case's deliveries, newest first, for the case page.
            models.Index(fields=["case", "-created_at"], name="watch_delivery_case"),
        ]

    def __str__(self) -> str:
        return f"delivery {self.delivery_id} ({self.status}, {self.attempts} attempts)"


class WorkerHeartbeat(models.Model):
    """One `casedesk worker` process: it stamps `beat_at` on a timer, so "gone" is known.

    A task RUNNING under a worker whose heartbeat is stale (or, on the same host, whose process
    no longer exists) is run again by the next worker (casedesk.watch.recovery).
    """

    worker_id = models.CharField(max_length=64, unique=True)  # the task backend's worker id
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)  # a clean stop

    def __str__(self) -> str:
        return f"worker {self.worker_id} ({self.hostname}:{self.pid})"


class RecoveredTask(models.Model):
    """A task found RUNNING under a dead worker and put back in the queue (one row per time)."""

    task_id = models.UUIDField()  # django_tasks_db's DBTaskResult.id
    task_path = models.TextField()
    dead_worker_id = models.CharField(max_length=64)
    started_at = models.DateTimeField(null=True)  # when the dead worker had claimed it
    recovered_at = models.DateTimeField()
    recovered_by = models.CharField(max_length=64)

    class Meta:
        indexes = [
            # The console's list, newest first; and "was this task recovered?" by task id.
            models.Index(fields=["-recovered_at"], name="watch_recovered_recent"),
            models.Index(fields=["task_id"], name="watch_recovered_task"),
        ]

    def __str__(self) -> str:
        return f"task {self.task_id} recovered from {self.dead_worker_id}"
