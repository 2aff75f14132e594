"""A case's kind and environment: asked at intake, "unknown" from mail, set by engineers."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from casedesk.cases.models import Case, CaseKind, Environment, EventKind
from casedesk.lib import clock

from .access import require_agent
from .errors import CaseError
from .events import record
from .groups import reroute
from .retry import retry_on_lock


def check_kind(kind: str | None) -> str:
    """The stored kind for `kind` ("unknown" when not given); a clear error for a wrong one."""
    if not kind:
        return CaseKind.UNKNOWN
    if kind not in CaseKind.values:
        raise CaseError(f"Unknown kind {kind!r}; use one of {_listed(CaseKind)}.", field="kind")
    return kind


def check_environment(environment: str | None) -> str:
    if not environment:
        return Environment.UNKNOWN
    if environment not in Environment.values:
        raise CaseError(
            f"Unknown environment {environment!r}; use one of {_listed(Environment)}.",
            field="environment",
        )
    return environment


def _listed(choices: type[CaseKind] | type[Environment]) -> str:
    return ", ".join(str(v) for v in choices.values)


@retry_on_lock
def classify(
    agent: AbstractBaseUser,
    case: Case,
    *,
    kind: str | None = None,
    environment: str | None = None,
    reason: str = "",
    at: dt.datetime | None = None,
) -> Case:
    """An engineer sets the kind and/or environment; the change is an internal event."""
    require_agent(agent, "set a case's kind and environment")
    new_kind = check_kind(kind) if kind else None
    new_env = check_environment(environment) if environment else None
    at = at or clock.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        changes = {}
        if new_kind and new_kind != case.kind:
            changes["case_kind"] = [case.kind, new_kind]  # `kind` is the event's own
        if new_env and new_env != case.environment:
            changes["environment"] = [case.environment, new_env]
        if not changes:
            raise CaseError("Nothing changed: choose a different kind or environment.")
        # Lists of [old, new], not from/to: "to" in an event's data names a new status.
        record(case, EventKind.CLASSIFIED, agent, at, public=False, reason=reason, **changes)
        case.kind = new_kind or case.kind
        case.environment = new_env or case.environment
        case.updated_at = at
        case.save(update_fields=["kind", "environment", "updated_at"])
        reroute(case, at)  # issue 18: a kind now known may match a routing rule
    return case
