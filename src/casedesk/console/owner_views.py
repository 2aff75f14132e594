"""Ownership and bulk actions in the console (issue 18): take a case, move it to a group, act on
many cases from the queue, and the list of support groups. Each calls a case service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from casedesk.cases import services as cs
from casedesk.cases.models import OPEN_STATUSES, Case, SupportGroup
from casedesk.customers.models import TermsVersion
from casedesk.lib.requests import SignedInRequest

from . import queue as q
from .decorators import agent_required
from .queue_forms import BulkForm, exclusion_choices, picked


def _back(request: HttpRequest, ref: str) -> HttpResponseRedirect:
    """To the page the button was on (the queue keeps its filters), else the case."""
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    if target.startswith("/") and safe:  # a path on this site; never a view name to reverse
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(reverse("console:case", args=[ref]))


def _act(request: SignedInRequest, ref: str, act: Callable[[Case], str]) -> HttpResponse:
    """Run one case action; its message (or refusal) shows on the page the button was on."""
    try:
        done = act(cs.access_case(request.user, ref))
    except cs.CaseNotFound:
        messages.error(request, f"No case {ref} that you can see.")
        return redirect("console:queue")
    except cs.CaseError as exc:
        messages.error(request, exc.message)
        return _back(request, ref)
    messages.success(request, done)
    return _back(request, ref)


@agent_required
@require_POST
def take_view(request: SignedInRequest, ref: str) -> HttpResponse:
    def take(case: Case) -> str:
        return f"{cs.take(request.user, case).tracking_number} is yours now."

    return _act(request, ref, take)


@agent_required
@require_POST
def group_view(request: SignedInRequest, ref: str) -> HttpResponse:
    def move(case: Case) -> str:
        case = cs.set_group(request.user, case, picked(request.POST.get("group", "")))
        where = f"in {case.group.name}" if case.group else "in no group"
        return f"{case.tracking_number} is {where} now."

    return _act(request, ref, move)


@agent_required
@require_POST
def bulk_view(request: SignedInRequest) -> HttpResponse:
    """Apply the action bar's action to the ticked cases; the page lists each outcome."""
    versions = TermsVersion.objects.order_by("-pk")
    form = BulkForm(
        request.POST, agents=q.assignable_agents(), exclusions=exclusion_choices(versions)
    )
    refs = request.POST.getlist("case")
    context: dict[str, Any] = {"form": form, "refs": refs, "outcomes": []}
    if form.is_valid():  # the service refuses an empty selection with its own sentence
        try:
            context["outcomes"] = cs.apply_bulk(request.user, refs, _bulk(form.cleaned_data))
        except cs.CaseError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    context["done"] = [o for o in context["outcomes"] if o.done]
    context["refused"] = [o for o in context["outcomes"] if not o.done]
    status = 400 if form.errors else 200
    return render(request, "console/bulk.html", context, status=status)


def _bulk(data: dict[str, Any]) -> cs.Bulk:
    return cs.Bulk(
        action=data["action"],
        assignee=picked(data["assignee"]),
        group=picked(data["group"]),
        status=data["status"],
        duplicate_of=data["duplicate_of"],
        code=data["code"],
        reason=data["reason"],
    )


@agent_required
def group_list(request: HttpRequest) -> HttpResponse:
    groups = (
        SupportGroup.objects.annotate(
            open_cases=Count("cases", filter=Q(cases__status__in=OPEN_STATUSES), distinct=True)
        )
        .prefetch_related("memberships__user", "rules")
        .order_by("name")
    )
    return render(request, "console/groups.html", {"groups": groups})
