"""Attempt counters for the sign-in limits. A row per key (what is counted: an account, an address,
both); the count holds for a fixed window from its first attempt."""

from __future__ import annotations

from django.db import models


class AttemptCounter(models.Model):
    # e.g. "login:pair:<hash>": hashed, so the table holds no usernames or addresses in clear.
    key = models.CharField(max_length=80, unique=True)
    count = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["window_start"], name="signin_counter_window")]

    def __str__(self) -> str:
        return f"{self.key}: {self.count} since {self.window_start:%Y-%m-%d %H:%M}"
