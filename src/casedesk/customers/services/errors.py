"""The one error family of the entitlement services: a sentence a manager can act on."""

from __future__ import annotations

from typing import Any

from ..roles import agent_refusal, manager_refusal


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
    refusal = None if actor is None else manager_refusal(actor, doing)
    if refusal:
        raise EntitlementError(f"{refusal}; ask a support manager.")


def require_agent(actor: Any, doing: str) -> None:
    refusal = None if actor is None else agent_refusal(actor, doing)
    if refusal:
        raise EntitlementError(f"{refusal}; ask a support engineer.")
