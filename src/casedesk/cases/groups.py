"""Support groups (issue 18): engineers who own a product or a kind of case, and the rules that
route new cases to them. Operators manage them in the Django admin; casedesk.cases.services.groups
routes, takes and assigns."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SupportGroup(models.Model):
    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="GroupMember", related_name="support_groups"
    )
    # Round-robin: a routed case goes to the next member on shift after the last one given one.
    round_robin = models.BooleanField(
        default=False,
        help_text="Assign each case routed here to the next member on shift, in turn.",
    )
    last_assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GroupMember(models.Model):
    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships"
    )
    # "On shift": an active member flagged available gets round-robin cases; off shift, none.
    available = models.BooleanField(
        default=True, help_text="On shift: round-robin assignment may give this member cases."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="group_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.group}"


class RoutingRule(models.Model):
    """A new case whose product and kind match goes to the group; an empty field matches any.
    The first matching rule by position wins."""

    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="rules")
    product = models.CharField(
        max_length=100, blank=True, help_text="The case's product, any letter case; empty: any."
    )
    kind = models.CharField(max_length=20, blank=True, help_text="Empty: any kind.")
    position = models.PositiveIntegerField(default=100, help_text="Lower numbers are tried first.")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.product or 'any product'} / {self.kind or 'any kind'} → {self.group}"
