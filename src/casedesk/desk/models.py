"""The desk's data: canned replies, who follows or watches a case, who has it open now.
Only casedesk.desk.services writes these."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CannedReply(models.Model):
    """A reply text with placeholders; shared (no owner) or an engineer's own."""

    class SetStatus(models.TextChoices):
        KEEP = "", "Keep the status"
        TRIAGED = "triaged", "Triaged"
        RESOLVED = "resolved", "Resolved"
        CLOSED = "closed", "Closed"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Empty: shared with every engineer (managers keep these).",
    )
    title = models.CharField(max_length=120)
    body = models.TextField()
    set_status = models.CharField(max_length=10, choices=SetStatus.choices, default="", blank=True)
    # One item a line: sending the reply also asks the customer for these (the case waits).
    ask_items = models.TextField(blank=True)
    exclusion_code = models.CharField(max_length=10, blank=True)
    use_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["title", "id"]
        verbose_name_plural = "canned replies"

    def __str__(self) -> str:
        return self.title


class Follower(models.Model):
    """A contact of the case's customer, other than the reporter, who gets its public updates."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="followers")
    contact = models.ForeignKey(
        "customers.SupportContact", on_delete=models.CASCADE, related_name="+"
    )
    added_by = models.CharField(max_length=200)
    added_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "contact"], name="desk_follower_once")
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} follows {self.case_id}"


class Watcher(models.Model):
    """An engineer who gets a case's internal updates by mail."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="watchers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="desk_watcher_once")]

    def __str__(self) -> str:
        return f"{self.user_id} watches {self.case_id}"


class Presence(models.Model):
    """An engineer with a case page open, refreshed by the page every 15 s."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    writing = models.BooleanField(default=False)
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="desk_presence_once")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.case_id}"
