"""Console actions for linking and merging (issue 18). Merging has a confirmation step: the
page shows what the merge will do (`plan_merge`) before the engineer confirms it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from casedesk.cases import services as cases
from casedesk.cases.models import Case
from casedesk.lib.requests import SignedInRequest

from .case_views import _act, _case
from .decorators import agent_required
from .link_forms import LinkForm, MergeForm


@agent_required
@require_POST
def link_view(request: SignedInRequest, ref: str) -> HttpResponse:
    def do(case: Case, data: dict[str, Any]) -> str:
        linked = cases.link_cases(request.user, case, data["other"], data["kind"])
        return (
            f"{case.tracking_number} is linked to {linked.other.tracking_number} "
            f"({linked.kind_label.lower()})."
        )

    return _act(request, ref, "link", lambda case: LinkForm(request.POST), do)


@agent_required
@require_POST
def unlink_view(request: SignedInRequest, ref: str, other: str) -> HttpResponse:
    case = _case(request, ref)
    try:
        cases.unlink_cases(request.user, case, other)
    except cases.CaseError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"The link to {other} is removed.")
    return redirect(reverse("console:case", args=[case.tracking_number]) + "#links")


@agent_required
@require_http_methods(["GET", "POST"])
def merge_view(request: SignedInRequest, ref: str) -> HttpResponse:
    """GET: the form, or with `into` what merging into it will do; POST: merge."""
    case = _case(request, ref)
    if request.method == "POST":
        return _merge(request, case)
    form = MergeForm(request.GET if "into" in request.GET else None)
    plan = None
    if form.is_bound and form.is_valid():
        try:
            plan = cases.plan_merge(request.user, case, form.cleaned_data["into"])
        except cases.CaseError as exc:
            form.add_case_error(exc)
    return _page(request, case, form, plan)


def _merge(request: SignedInRequest, case: Case) -> HttpResponse:
    form = MergeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            merged = cases.merge_cases(request.user, case, data["into"], note=data["note"])
        except cases.CaseError as exc:
            form.add_case_error(exc)
        else:
            dup, target = merged.duplicate.tracking_number, merged.target.tracking_number
            messages.success(
                request, f"{dup} is merged into {target} and closed; both contacts are told."
            )
            return redirect(reverse("console:case", args=[target]))
    return _page(request, case, form, None)


def _page(
    request: SignedInRequest, case: Case, form: MergeForm, plan: cases.MergePlan | None
) -> HttpResponse:
    context = {"case": case, "form": form, "plan": plan}
    return render(request, "console/merge.html", context, status=400 if form.errors else 200)
