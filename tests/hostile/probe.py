"""Sending requests and recording every 5xx with the route and value that caused it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.test import Client


@dataclass
class Probe:
    client: Client
    headers: dict[str, str] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    sent: int = 0
    forms: dict[tuple[str, ...], Any] = field(default_factory=dict)  # POST forms seen, by action

    def send(self, what: str, method: str, url: str, body: str | bytes = "", **kw: Any) -> Any:
        kw.setdefault("content_type", "application/x-www-form-urlencoded")
        if method == "GET":
            response = self.client.get(url, headers=self.headers)
        else:
            response = self.client.generic(method, url, body, headers=self.headers, **kw)
        self.sent += 1
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            cause = repr(exc[1])[:200] if exc else ""
            shown = url if len(url) < 160 else url[:160] + "..."
            self.failures.append(f"{response.status_code} {method} {shown} [{what}]: {cause}")
        return response

    def report(self) -> str:
        return f"{len(self.failures)} of {self.sent} requests got a 5xx:\n" + "\n".join(
            self.failures
        )
