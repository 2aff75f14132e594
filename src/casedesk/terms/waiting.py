"""Waiting on the customer: reminders and automatic resolution (pure Python).

casedesk's own setting, not the seed's (the seed only says resolution depends on the customer's
cooperation): off unless a terms file sets it, so the default terms remind nobody.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .calendar import BusinessCalendar


class Waiting(BaseModel):
    """`[waiting]`: reminders every `remind_after_business_days` of silence, at most
    `max_reminders` times; the case resolves itself after `resolve_after_business_days`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    remind_after_business_days: int | None = Field(default=None, ge=1, le=60)
    max_reminders: int = Field(default=1, ge=1, le=10)
    resolve_after_business_days: int | None = Field(default=None, ge=1, le=120)

    @model_validator(mode="after")
    def _resolve_after_reminders(self) -> Waiting:
        remind, resolve = self.remind_after_business_days, self.resolve_after_business_days
        if remind and resolve and resolve <= remind:
            raise ValueError(
                f"resolve_after_business_days ({resolve}) must be later than "
                f"remind_after_business_days ({remind}): remind first, then resolve"
            )
        return self

    @property
    def active(self) -> bool:
        return bool(self.remind_after_business_days or self.resolve_after_business_days)


@dataclass(frozen=True, slots=True)
class Step:
    name: str  # "reminder1", "reminder2"... or "auto_resolve"
    at: dt.datetime


AUTO_RESOLVE = "auto_resolve"


def schedule(settings: Waiting, calendar: BusinessCalendar, asked: dt.datetime) -> list[Step]:
    """Every reminder and the automatic resolution for a request made at `asked`, in order.

    Reminders that would fall on or after the automatic resolution are dropped.
    """
    steps: list[Step] = []
    resolve_at = None
    if settings.resolve_after_business_days:
        resolve_at = calendar.add_business_days(asked, settings.resolve_after_business_days)
    if settings.remind_after_business_days:
        for n in range(1, settings.max_reminders + 1):
            at = calendar.add_business_days(asked, n * settings.remind_after_business_days)
            if resolve_at is not None and at >= resolve_at:
                break
            steps.append(Step(f"reminder{n}", at))
    if resolve_at is not None:
        steps.append(Step(AUTO_RESOLVE, resolve_at))
    return steps
