"""The console's case page and its actions. Every action calls one case service, then either
redirects back with a message or re-renders the page with the refusal next to its field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from casedesk.cases import services as cases
from casedesk.cases.effort_presenters import effort_panel
from casedesk.cases.models import Case, PatchRequest, SeverityRequest
from casedesk.cases.presenters import sla_panel, timeline
from casedesk.core.zones import zone_beside
from casedesk.customers import services as customers
from casedesk.desk.services import macros
from casedesk.lib import clock
from casedesk.lib.prg import post_only
from casedesk.lib.requests import SignedInRequest
from casedesk.watch import notify as watch_notify
from casedesk.watch import pager

from . import after_forms
from . import queue as q
from .after_context import after_context
from .decorators import agent_required
from .desk_context import desk_context
from .forms import (
    AssignForm,
    ConfirmRequestForm,
    ConsoleForm,
    DeclineRequestForm,
    ExcludeForm,
    PatchDeliverForm,
    PatchRequestForm,
    RespondForm,
    SeverityForm,
    StatusForm,
)


def _case(request: HttpRequest, ref: str) -> Case:
    try:
        return cases.access_case(request.user, ref)
    except cases.CaseNotFound:
        raise Http404("No such case.") from None


def _forms(case: Case, agents: list[Any]) -> dict[str, ConsoleForm]:
    terms = case.terms_version.terms
    return {
        "respond": RespondForm(),
        "severity": SeverityForm(initial={"severity": case.severity}),
        "confirm": ConfirmRequestForm(),
        "decline": DeclineRequestForm(),
        "assign": AssignForm(agents=agents, initial={"assignee": str(case.assignee_id or "")}),
        "status": StatusForm(case=case),
        "exclude": ExcludeForm(exclusions=terms.exclusions),
        "patch": PatchRequestForm(),
    }


def _version_flag(case: Case) -> dict[str, str] | None:
    """Unsupported or non-production version: flagged for the engineer, never rejected."""
    code = case.version_exclusion
    if not code:
        return None
    terms = case.terms_version.terms
    kind = (
        "Non-production version"
        if code == terms.versions.non_production_exclusion
        else "Unsupported version"
    )
    note = ""
    if case.release_id:
        release = case.release
        assert release is not None
        note = customers.release_support_note(
            release, case.subscription.local_date(case.received_at), terms
        )
    return {"kind": kind, "code": code, "text": terms.exclusion(code), "note": note}


def _render(
    request: HttpRequest,
    case: Case,
    bound: dict[str, ConsoleForm] | None = None,
    *,
    bound_patch: tuple[int, PatchDeliverForm] | None = None,
    status: int = 200,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    now = clock.now()
    terms = case.terms_version.terms
    tz = terms.calendar.timezone
    agents = q.assignable_agents()
    page_forms = {**_forms(case, agents), **after_forms.defaults(case), **(bound or {})}
    sub = case.subscription
    patches = [
        (
            p,
            bound_patch[1]
            if bound_patch and bound_patch[0] == p.pk
            else PatchDeliverForm(prefix=f"p{p.pk}"),
        )
        for p in case.patch_requests.order_by("requested_at", "id")
    ]
    context = {
        "case": case,
        "tz": tz,
        "zone_note": zone_beside(tz, case.contact.time_zone, clock.now()),
        "level": terms.level(case.level),
        "pending_request": case.severity_request == SeverityRequest.PENDING,
        "sla": sla_panel(case, tz, now),
        "effort": effort_panel(case, tz, now),
        "timeline": timeline(case, tz, internal=True),
        "flag": _version_flag(case),
        "quota": customers.quota_status(sub, now) if sub.level_terms.quota else None,
        "quota_severities": sub.level_terms.quota.severities if sub.level_terms.quota else (),
        "patch_refusal": customers.patch_refusal(sub),
        "patches": patches,
        "forms": page_forms,
        "alerts": watch_notify.alerts_for(case),
        "deliveries": pager.deliveries_for(case),
        **after_context(case),
        **desk_context(request.user, case),
        **(extra or {}),
    }
    return render(request, "console/case.html", context, status=status)


# The desk's views (desk_views) fetch and render the case page the same way.
case_for = _case
render_case = _render


@agent_required
def case_page(request: HttpRequest, ref: str) -> HttpResponse:
    return _render(request, _case(request, ref))


def _act(
    request: HttpRequest,
    ref: str,
    name: str,
    make_form: Callable[[Case], ConsoleForm],
    do: Callable[[Case, dict[str, Any]], str],
) -> HttpResponse:
    """Validate, call the service, redirect with its success message or re-render on refusal."""
    case = _case(request, ref)
    form = make_form(case)
    if form.is_valid():
        try:
            done = do(case, form.cleaned_data)
        except cases.CaseError as exc:
            form.add_case_error(exc)
        else:
            messages.success(request, done)
            return redirect(reverse("console:case", args=[case.tracking_number]) + f"#{name}")
    return _render(request, case, {name: form}, status=400)


@agent_required
@post_only("console:case", "ref")
def respond_view(request: SignedInRequest, ref: str) -> HttpResponse:
    def do(case: Case, data: dict[str, Any]) -> str:
        macro = macros.access_macro(request.user, data["macro"]) if data["macro"] else None
        cases.respond(
            request.user,
            case,
            data["body"],
            attachments=data["attachments"],
            seen_event=data["seen_event"],
        )
        done = macros.after_reply(request.user, case, macro) if macro else []
        return " ".join([f"Reply sent to {case.contact.name}.", *done])

    return _act(request, ref, "respond", lambda case: RespondForm(request.POST, request.FILES), do)


@agent_required
@post_only("console:case", "ref")
def note_view(request: SignedInRequest, ref: str) -> HttpResponse:
    def do(case: Case, data: dict[str, Any]) -> str:
        cases.add_note(request.user, case, data["body"], attachments=data["attachments"])
        return "Internal note added."

    return _act(request, ref, "respond", lambda case: RespondForm(request.POST, request.FILES), do)


@agent_required
@post_only("console:case", "ref")
def severity_view(request: SignedInRequest, ref: str) -> HttpResponse:
    def do(case: Case, data: dict[str, Any]) -> str:
        case = cases.change_severity(
            request.user,
            case,
            data["severity"],
            data["reason"],
            override_quota_reason=data["override_quota_reason"],
        )
        return f"{case.tracking_number} is now Severity {case.severity}."

    return _act(request, ref, "severity", lambda case: SeverityForm(request.POST), do)


@agent_required
@post_only("console:case", "ref")
def confirm_request_view(request: SignedInRequest, ref: str) -> HttpResponse:
    def do(case: Case, data: dict[str, Any]) -> str:
        case = cases.confirm_severity_request(request.user, case, data["reason"])
        return f"Confirmed: {case.tracking_number} is now Severity {case.severity}."

    return _act(request, ref, "confirm", lambda case: ConfirmRequestForm(request.POST), do)


@agent_required
@post_only("console:case", "ref")
def decline_request_view(request: SignedInRequest, ref: str) -> HttpResponse:
    def do(case: Case, data: dict[str, Any]) -> str:
        case = cases.decline_severity_request(request.user, case, data["reason"])
        return f"Declined: {case.tracking_number} stays at Severity {case.severity}."

    return _act(request, ref, "decline", lambda case: DeclineRequestForm(request.POST), do)


@agent_required
@post_only("console:case", "ref")
def assign_view(request: SignedInRequest, ref: str) -> HttpResponse:
    def do(case: Case, data: dict[str, Any]) -> str:
        pk = data["assignee"]
        assignee = get_user_model().objects.get(pk=pk) if pk else None
        case = cases.assign(request.user, case, assignee)
        who = assignee.get_full_name() or assignee.get_username() if assignee else "nobody"
        return f"{case.tracking_number} is assigned to {who}."

    return _act(
        request,
        ref,
        "assign",
        lambda case: AssignForm(request.POST, agents=q.assignable_agents()),
        do,
    )


@agent_required
@post_only("console:case", "ref")
def status_view(request: SignedInRequest, ref: str) -> HttpResponse:
    def do(case: Case, data: dict[str, Any]) -> str:
        case = cases.set_status(request.user, case, data["status"], reason=data["reason"])
        return f"{case.tracking_number} is now {case.get_status_display().lower()}."

    return _act(request, ref, "status", lambda case: StatusForm(request.POST, case=case), do)


@agent_required
@post_only("console:case", "ref")
def exclude_view(request: SignedInRequest, ref: str) -> HttpResponse:
    def do(case: Case, data: dict[str, Any]) -> str:
        case = cases.close_excluded(request.user, case, data["code"], reason=data["reason"])
        return (
            f"{case.tracking_number} is closed as out of scope, exclusion ({case.exclusion_code})."
        )

    def make_form(case: Case) -> ConsoleForm:
        return ExcludeForm(request.POST, exclusions=case.terms_version.terms.exclusions)

    return _act(request, ref, "exclude", make_form, do)


@agent_required
@post_only("console:case", "ref")
def request_patch_view(request: SignedInRequest, ref: str) -> HttpResponse:
    def do(case: Case, data: dict[str, Any]) -> str:
        cases.request_patch(request.user, case, data["summary"])
        return "Emergency patch requested."

    return _act(request, ref, "patch", lambda case: PatchRequestForm(request.POST), do)


@agent_required
@post_only("console:case", "ref")
def deliver_patch_view(request: SignedInRequest, ref: str, pk: int) -> HttpResponse:
    case = _case(request, ref)
    patch = get_object_or_404(PatchRequest, pk=pk, case=case)
    form = PatchDeliverForm(request.POST, prefix=f"p{patch.pk}")
    if form.is_valid():
        try:
            cases.deliver_patch(request.user, patch, form.cleaned_data["note"])
        except cases.CaseError as exc:
            form.add_case_error(exc)
        else:
            messages.success(request, "Emergency patch marked as delivered.")
            return redirect(reverse("console:case", args=[case.tracking_number]) + "#patches")
    return _render(request, case, bound_patch=(patch.pk, form), status=400)
