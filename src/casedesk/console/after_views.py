"""Console actions after the first response (issue 16): set kind and environment, ask the
customer for information, resolve saying how. Each calls one case service."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse

from casedesk.cases import services as cases
from casedesk.cases.models import Case, Status
from casedesk.lib.inputs import parse_id
from casedesk.lib.prg import post_only
from casedesk.lib.requests import SignedInRequest

from .after_forms import AskForm, ClassifyForm, ResolveForm
from .case_views import _act
from .decorators import agent_required


@agent_required
@post_only("console:case", "ref")
def classify_view(request: SignedInRequest, ref: str) -> HttpResponse:
    def do(case: Case, data: dict[str, Any]) -> str:
        case = cases.classify(
            request.user,
            case,
            kind=data["kind"],
            environment=data["environment"],
            reason=data["reason"],
        )
        return (
            f"{case.tracking_number}: {case.get_kind_display()}, "
            f"{case.get_environment_display().lower()}."
        )

    return _act(request, ref, "classify", lambda case: ClassifyForm(request.POST), do)


@agent_required
@post_only("console:case", "ref")
def ask_view(request: SignedInRequest, ref: str) -> HttpResponse:
    def do(case: Case, data: dict[str, Any]) -> str:
        asked = cases.ask_customer(request.user, case, data["items"], body=data["body"])
        n = len(asked.items)
        return f"Asked the customer for {n} item{'s' if n != 1 else ''}; the case waits on them."

    return _act(request, ref, "ask", lambda case: AskForm(request.POST), do)


@agent_required
@post_only("console:case", "ref")
def resolve_view(request: SignedInRequest, ref: str) -> HttpResponse:
    def do(case: Case, data: dict[str, Any]) -> str:
        case = cases.resolve(
            request.user,
            case,
            data["how"],
            note=data["note"],
            release=parse_id(data["release"]) if data["release"] else None,
            patch=parse_id(data["patch"]) if data["patch"] else None,
            duplicate_of=data["duplicate_of"],
            code=data["code"],
        )
        if case.status == Status.FIX_SCHEDULED:
            release = case.resolution_release
            assert release is not None
            return (
                f"{case.tracking_number} is fix scheduled: it resolves itself when {release} is "
                f"generally available ({release.ga_on:%a %d %b %Y})."
            )
        return f"{case.tracking_number} is {case.get_status_display().lower()}."

    return _act(request, ref, "resolve", lambda case: ResolveForm(request.POST, case=case), do)
