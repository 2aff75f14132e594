"""What a contact is told about the incident quota at the moment they choose a severity.

One copy of the wording, shown by the portal's new-case form, its "Ask for a different severity"
box and the API, before anything is submitted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..models import Subscription
from .quota import QuotaStatus, quota_status


@dataclass(frozen=True)
class QuotaNotice:
    severities: tuple[int, ...]
    status: QuotaStatus
    text: str  # "9 of 10 Severity 1/2 incidents used this subscription year (renews 2027-07-19)"
    warning: str  # what happens to a request now; "" while incidents are left

    @property
    def exhausted(self) -> bool:
        return self.status.exhausted

    @property
    def lines(self) -> list[str]:
        return [self.text, self.warning] if self.warning else [self.text]


def _or(numbers: tuple[int, ...]) -> str:
    words = [str(n) for n in numbers]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def quota_notice(subscription: Subscription, at: dt.datetime) -> QuotaNotice | None:
    """The quota as a contact reads it; None on levels without an incident quota."""
    quota = subscription.level_terms.quota
    if quota is None:
        return None
    status = quota_status(subscription, at)
    renews = status.renews_on
    text = (
        f"{status.used} of {status.limit} Severity {'/'.join(map(str, quota.severities))} "
        f"incidents used this subscription year (renews {renews})"
    )
    warning = ""
    if status.exhausted:
        # Intake still accepts the case (nothing is lost); only the faster severity waits.
        warning = (
            f"All incidents of this subscription year are used: a request for Severity "
            f"{_or(quota.severities)} will likely be declined unless a support engineer "
            f"overrides the quota. The case itself is accepted either way."
        )
    return QuotaNotice(quota.severities, status, text, warning)
