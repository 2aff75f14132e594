"""The case page's desk actions: canned replies into the reply box, who is on the case,
followers and watching. Each calls a desk service, then redirects or re-renders the page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from casedesk.cases import services as cases
from casedesk.customers.services.terms_source import current_terms
from casedesk.desk.models import CannedReply
from casedesk.desk.services import followers, macros, presence

from . import case_views, macro_forms
from .decorators import agent_required
from .forms import RespondForm


def _back(ref: str, anchor: str) -> HttpResponse:
    return redirect(reverse("console:case", args=[ref]) + f"#{anchor}")


@agent_required
@require_POST
def use_macro_view(request: HttpRequest, ref: str) -> HttpResponse:
    """Without JavaScript: the page again, with the canned reply added to what was typed."""
    case = case_views.case_for(request, ref)
    typed = request.POST.get("body", "")
    try:
        macro = macros.access_macro(request.user, request.POST.get("macro_pick", ""))
        text = macros.fill_macro(macro, case)
    except cases.CaseError as exc:
        # Bound to what was typed, so the refusal shows with the text kept (an unbound form
        # has no errors to add to).
        form = RespondForm(data={"body": typed})
        form.is_valid()
        form.add_error(None, exc.message)
        return case_views.render_case(request, case, {"respond": form}, status=400)
    body = f"{typed.rstrip()}\n\n{text}" if typed.strip() else text
    form = RespondForm(initial={"body": body, "macro": macro.pk})
    return case_views.render_case(request, case, {"respond": form})


@agent_required
@require_GET
def macro_text_view(request: HttpRequest, ref: str) -> JsonResponse:
    """For the reply box's script: the canned reply filled for this case."""
    case = case_views.case_for(request, ref)
    try:
        macro = macros.access_macro(request.user, request.GET.get("macro", ""))
        return JsonResponse({"id": macro.pk, "text": macros.fill_macro(macro, case)})
    except cases.CaseError as exc:
        return JsonResponse({"error": exc.message}, status=400)


@agent_required
@require_POST
def presence_view(request: HttpRequest, ref: str) -> JsonResponse:
    case = case_views.case_for(request, ref)
    presence.mark_present(request.user, case, writing=request.POST.get("writing") == "1")
    return JsonResponse({"others": [p.text for p in presence.others_present(request.user, case)]})


@agent_required
@require_POST
def followers_view(request: HttpRequest, ref: str) -> HttpResponse:
    case = case_views.case_for(request, ref)
    email = request.POST.get("email", "")
    try:
        if request.POST.get("remove"):
            followers.remove_follower(request.user, case, email)
            messages.success(request, f"{email} no longer follows {case.tracking_number}.")
        else:
            added = followers.add_follower(request.user, case, email)
            messages.success(request, f"{added.contact.name} now follows {case.tracking_number}.")
    except cases.CaseError as exc:
        kept = {"follower_error": exc.message, "follower_email": email}
        return case_views.render_case(request, case, extra=kept, status=400)
    return _back(case.tracking_number, "followers")


@agent_required
@require_POST
def watch_view(request: HttpRequest, ref: str) -> HttpResponse:
    case = case_views.case_for(request, ref)
    on = followers.watch(request.user, case, on=request.POST.get("watch") == "1")
    done = "You watch" if on else "You no longer watch"
    messages.success(request, f"{done} {case.tracking_number}.")
    return _back(case.tracking_number, "followers")


# --- the canned replies page ---------------------------------------------------------------------


@agent_required
def macro_list(request: HttpRequest) -> HttpResponse:
    rows = [(m, macros.may_edit(request.user, m)) for m in macros.macros_for(request.user)]
    return render(request, "console/macros.html", {"rows": rows})


def _editable(request: HttpRequest, pk: int) -> CannedReply:
    """Unknown, another engineer's own, or shared for an engineer: the same 404."""
    try:
        macro = macros.access_macro(request.user, pk)
    except cases.CaseError:
        raise Http404("No such canned reply.") from None
    if not macros.may_edit(request.user, macro):
        raise Http404("No such canned reply.")
    return macro


@agent_required
def macro_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """New (no pk) or an editable one; a refusal keeps everything typed."""
    macro = _editable(request, pk) if pk is not None else None
    exclusions = current_terms().exclusions
    if request.method != "POST":
        initial = macro_forms.initial(macro) if macro else {}
        form = macro_forms.MacroForm(initial=initial, exclusions=exclusions)
        return render(request, "console/macro_edit.html", {"form": form, "macro": macro})
    if macro is not None and request.POST.get("delete"):
        macros.delete_macro(request.user, macro)
        messages.success(request, f"Canned reply “{macro.title}” deleted.")
        return redirect("console:macros")
    form = macro_forms.MacroForm(request.POST, exclusions=exclusions)
    if form.is_valid():
        try:
            saved = macros.save_macro(request.user, form.spec(), macro)
        except cases.CaseError as exc:
            form.add_case_error(exc)
        else:
            messages.success(request, f"Canned reply “{saved.title}” saved.")
            return redirect("console:macros")
    context = {"form": form, "macro": macro}
    return render(request, "console/macro_edit.html", context, status=400)
