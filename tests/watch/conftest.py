"""The SLA alerts among the mail a test sent (a sweep also delivers the customers' mail)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail


class AlertMail:
    """A live view of `mail.outbox` holding only SLA alert mails (X-Casedesk-Alert)."""

    def _items(self) -> list[Any]:
        return [m for m in mail.outbox if "X-Casedesk-Alert" in m.extra_headers]

    def __iter__(self) -> Any:
        return iter(self._items())

    def __len__(self) -> int:
        return len(self._items())

    def __getitem__(self, index: int) -> Any:
        return self._items()[index]

    def __eq__(self, other: object) -> bool:
        return self._items() == other


@pytest.fixture
def alert_mail(mailoutbox: list[Any]) -> AlertMail:
    return AlertMail()
