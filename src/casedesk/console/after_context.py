"""What the case page and the queue show of issue 16: the non-production flag, the open request
for information, and how the case was resolved."""

from __future__ import annotations

from typing import Any

from casedesk.cases import services as cases
from casedesk.cases.after_presenters import environment_flag, resolution
from casedesk.cases.models import Case, Status

__all__ = ["after_context", "environment_flag"]


def after_context(case: Case) -> dict[str, Any]:
    return {
        "environment_flag": environment_flag(case),
        "info_request": cases.open_request(case),
        "resolution_text": resolution(case),
        "resolvable": case.is_open,
        "can_ask": case.status in (Status.NEW, Status.TRIAGED, Status.WAITING),
    }
