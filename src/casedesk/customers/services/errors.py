"""The one error family of the entitlement services: a sentence a manager can act on."""

from __future__ import annotations

from typing import Any

from ..roles import is_agent, is_manager


class EntitlementError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class QuotaExceeded(EntitlementError):
    """The incident quota is used up; `status` is the QuotaStatus that was exhausted."""

    def __init__(self, message: str, status: Any) -> None:
        super().__init__(message)
        self.status = status


def require_manager(actor: Any, doing: str) -> None:
    """`actor` None is the operator at the command line (imports); people must be managers."""
    if actor is not None and not is_manager(actor):
        raise EntitlementError(f"Only support managers can {doing}; ask a support manager.")


def require_agent(actor: Any, doing: str) -> None:
    if actor is not None and not is_agent(actor):
        raise EntitlementError(f"Only support engineers can {doing}; ask a support engineer.")
