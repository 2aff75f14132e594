"""The customer portal: a designated contact's view of their organisation's cases."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from casedesk.cases import downloads, presenters
from casedesk.cases import services as cs
from casedesk.cases.after_presenters import resolution
from casedesk.cases.models import OPEN_STATUSES, Attachment, Case, Channel
from casedesk.cases.request_clocks import request_clocks
from casedesk.customers import services as customers
from casedesk.customers.models import Subscription, SupportContact
from casedesk.customers.roles import contact_of
from casedesk.lib import clock
from casedesk.lib.prg import post_only

from . import search_views, submissions, subscription_page
from .follow_context import follow_context
from .forms import (
    ContactRequestForm,
    DescriptionForm,
    NewCaseForm,
    PatchForm,
    ReopenForm,
    ReplyForm,
    SeverityRequestForm,
)

PAGE_SIZE = 25
RECENT_REQUESTS = 20


def contact_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Only active designated contacts use the portal; anyone else sees nothing (404)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        contact = contact_of(request.user)
        if contact is None or not contact.is_active:
            raise Http404("No portal for this login.")
        request.contact = contact  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def _case(request: HttpRequest, ref: str) -> Case:
    try:
        return cs.access_case(request.user, ref)
    except cs.CaseNotFound:
        raise Http404("No such case.") from None


def _apply_error(form: Any, error: cs.CaseError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


@contact_required
def case_list(request: HttpRequest) -> HttpResponse:
    contact: SupportContact = request.contact  # type: ignore[attr-defined]
    show = request.GET.get("show", "open")
    q = request.GET.get("q", "").strip()
    if q:
        return search_views.results(request, contact, show, q)
    cases = cs.cases_visible_to(request.user).select_related("contact").order_by("-received_at")
    if show == "open":
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif show == "closed":
        cases = cases.exclude(status__in=OPEN_STATUSES)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/case_list.html",
        {"page": page, "show": show, "q": q, "contact": contact, "tz": contact.time_zone},
    )


@contact_required
def new_case(request: HttpRequest) -> HttpResponse:
    contact: SupportContact = request.contact  # type: ignore[attr-defined]
    allowed, why = customers.can_open_case(request.user, contact.customer, clock.now())
    form = NewCaseForm(
        request.POST or None, request.FILES or None, initial={"submission": submissions.new_token()}
    )
    if request.method == "POST" and allowed and form.is_valid():
        try:
            opened = _open_once(request, contact, form)
        except cs.CaseError as exc:
            _apply_error(form, exc)
        else:
            return _after_open(request, opened)
    sub = customers.customer_subscription(contact.customer, clock.now()) if allowed else None
    terms = sub.terms if sub else None
    return render(
        request,
        "portal/new_case.html",
        {
            "form": form,
            "allowed": allowed,
            "why": why,
            "severities": [terms.severity(n) for n in (1, 2, 3, 4)] if terms else [],
            "web_severity": cs.channel_severity(terms, Channel.WEB) if terms else None,
            "quota": customers.quota_notice(sub, clock.now()) if sub else None,
            **_release_warnings(form, sub),
        },
        status=200 if allowed else 403,
    )


def _release_warnings(form: NewCaseForm, sub: Subscription | None) -> dict[str, Any]:
    """The releases the terms exclude, their warnings, and the chosen one's (a re-shown form)."""
    if sub is None:
        return {}
    on = sub.local_date(clock.now())
    warnings = customers.release_warnings(form.releases, on, sub.terms)
    chosen = form["release"].value() if form.is_bound else ""
    return {
        "release_warnings": warnings,
        "excluded_releases": [r for r in form.releases if r.pk in warnings],
        # Matched as text: a posted value is whatever the client sent ("²" is no release id).
        "chosen_warning": {str(pk): text for pk, text in warnings.items()}.get(str(chosen), ""),
    }


def _open_once(
    request: HttpRequest, contact: SupportContact, form: NewCaseForm
) -> Case | str | None:
    """Opens the case; a double submit (the same hidden token) gets the first one's case."""
    release = form.chosen_release()

    def open_case() -> Case:
        return cs.open_case(
            contact,
            channel=Channel.WEB,
            subject=form.cleaned_data["subject"],
            description=cs.with_sections(
                form.cleaned_data["description"],
                tried=form.cleaned_data["tried"],
                diagnostics=form.cleaned_data["diagnostics"],
            ),
            requested_severity=form.cleaned_data["requested_severity"],
            product=release.product if release else "",
            version=release.version if release else "",
            attachments=form.cleaned_data["attachments"],
            kind=form.cleaned_data["kind"],
            environment=form.cleaned_data["environment"],
        )

    token = form.cleaned_data["submission"]
    if not token:  # a form from before the token (or a script): nothing to match a repeat by
        return open_case()
    return submissions.open_once(contact.pk, token, open_case, "/portal/cases/{ref}/")


def _after_open(request: HttpRequest, opened: Case | str | None) -> HttpResponse:
    if isinstance(opened, Case):
        return redirect(f"/portal/cases/{opened.tracking_number}/?new=1")
    if opened is None:
        messages.warning(
            request,
            "This form was already sent and the case is still being opened; it will appear in "
            "your list in a moment. There is no need to send the form again.",
        )
        return redirect("/portal/")
    messages.info(request, "This form was sent twice; the case was opened once, here it is.")
    return redirect(opened)


def _case_context(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    contact: SupportContact = request.contact  # type: ignore[attr-defined]
    tz = contact.time_zone
    terms = case.terms_version.terms
    window = terms.cases.reopen_window_days
    now = clock.now()
    return {
        "case": case,
        "tz": tz,
        "entries": presenters.timeline(case, tz, internal=False),
        "sla": presenters.sla_panel(case, tz, now),
        "is_new": request.GET.get("new") == "1",
        "initial_severity": cs.channel_severity(terms, case.channel),
        "exclusion_text": terms.exclusions.get(case.exclusion_code, ""),
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "severity_form": forms.get("severity_form") or SeverityRequestForm(),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "patch_form": forms.get("patch_form") or PatchForm(),
        "can_reopen": cs.can_reopen(case, now),
        "reopen_window": window,
        "patches_refused": customers.patch_refusal(case.subscription),
        "quota": customers.quota_notice(case.subscription, now),
        "clocks": request_clocks(case, now, tz),
        "patches": case.patch_requests.order_by("requested_at"),
        "needed": cs.open_request(case),
        "resolution_text": resolution(case),
        **follow_context(contact, case),
    }


# portal.follow_views fetches and renders the case page the same way.
case_for = _case
case_context = _case_context


@contact_required
def case_detail(request: HttpRequest, ref: str) -> HttpResponse:
    case = _case(request, ref)
    return render(request, "portal/case_detail.html", _case_context(request, case))


def _post_action(
    request: HttpRequest,
    ref: str,
    form_class: type,
    key: str,
    action: Callable[..., Any],
    done: str,
) -> HttpResponse:
    case = _case(request, ref)
    form = form_class(request.POST, request.FILES or None)
    if form.is_valid():
        try:
            action(request.contact, case, form.cleaned_data)  # type: ignore[attr-defined]
        except cs.CaseError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, done)
            return redirect(f"/portal/cases/{case.tracking_number}/")
    context = _case_context(request, case, **{key: form})
    return render(request, "portal/case_detail.html", context, status=400)


@post_only("portal:case", "ref")
@contact_required
def reply(request: HttpRequest, ref: str) -> HttpResponse:
    def act(contact: SupportContact, case: Case, data: dict[str, Any]) -> None:
        landed = cs.customer_reply(
            contact, case, body=data["body"], attachments=data["attachments"], channel=Channel.WEB
        )
        if landed.pk == case.duplicate_of_id:
            messages.info(
                request,
                f"{case.tracking_number} was merged into {landed.tracking_number}; your reply "
                "was added there.",
            )
        elif landed.pk != case.pk:
            messages.info(
                request,
                f"{case.tracking_number} was closed too long ago; your reply opened {landed.tracking_number}.",
            )

    return _post_action(request, ref, ReplyForm, "reply_form", act, "Your reply was added.")


@post_only("portal:case", "ref")
@contact_required
def request_severity(request: HttpRequest, ref: str) -> HttpResponse:
    def act(contact: SupportContact, case: Case, data: dict[str, Any]) -> None:
        cs.request_severity_change(contact, case, data["severity"], data["reason"])

    return _post_action(
        request,
        ref,
        SeverityRequestForm,
        "severity_form",
        act,
        "Severity change requested; a support engineer confirms or declines it.",
    )


@post_only("portal:case", "ref")
@contact_required
def reopen(request: HttpRequest, ref: str) -> HttpResponse:
    def act(contact: SupportContact, case: Case, data: dict[str, Any]) -> None:
        cs.reopen(contact, case, reason=data["reason"])

    return _post_action(request, ref, ReopenForm, "reopen_form", act, "The case is open again.")


@post_only("portal:case", "ref")
@contact_required
def request_patch(request: HttpRequest, ref: str) -> HttpResponse:
    def act(contact: SupportContact, case: Case, data: dict[str, Any]) -> None:
        cs.request_patch(contact, case, data["summary"])

    return _post_action(request, ref, PatchForm, "patch_form", act, "Emergency patch requested.")


@contact_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A file of one of the organisation's cases; internal files and other customers' are 404."""
    file = Attachment.objects.filter(pk=pk, public=True).select_related("case").first()
    if file is None or not cs.cases_visible_to(request.user).filter(pk=file.case_id).exists():
        raise Http404("No such file.")
    return downloads.file_response(file)


@contact_required
def subscription(request: HttpRequest) -> HttpResponse:
    return _subscription_page(request, {})


def _subscription_page(
    request: HttpRequest,
    forms: dict[int, DescriptionForm],
    status: int = 200,
    contact_form: ContactRequestForm | None = None,
) -> HttpResponse:
    """The page; `forms` holds a subscription's description form bound to what was typed,
    `contact_form` the contact request as typed."""
    contact: SupportContact = request.contact  # type: ignore[attr-defined]
    now = clock.now()
    subs = contact.customer.subscriptions.select_related("terms_version").order_by("-starts_on")
    rows = [subscription_page.subscription_row(sub, contact, now) for sub in subs]
    for row in rows:
        sub = row["sub"]
        row["description_form"] = forms.get(sub.pk) or DescriptionForm(
            initial={"project_description": sub.project_description}, prefix=f"d{sub.pk}"
        )
    contacts = contact.customer.contacts.order_by("-is_active", "name")
    context = {
        "rows": rows,
        "contacts": contacts,
        "min_description": customers.MIN_DESCRIPTION,
        "contact_form": contact_form or ContactRequestForm(),
        # Said on the form before it is sent: an addition at the limit would be declined.
        "add_refusal": customers.contact_add_refusal(contact, now),
        "contact_requests": contact.customer.contact_requests.select_related("requested_by")[
            :RECENT_REQUESTS
        ],
    }
    return render(request, "portal/subscription.html", context, status=status)


@post_only("portal:subscription")
@contact_required
def edit_description(request: HttpRequest, pk: int) -> HttpResponse:
    contact: SupportContact = request.contact  # type: ignore[attr-defined]
    # Another organisation's subscription is simply not there (404), as with cases.
    sub = contact.customer.subscriptions.filter(pk=pk).first()
    if sub is None:
        raise Http404("No such subscription.")
    form = DescriptionForm(request.POST, prefix=f"d{sub.pk}")
    if form.is_valid():
        try:
            customers.edit_project_description(
                contact, sub, form.cleaned_data["project_description"], clock.now()
            )
        except customers.EntitlementError as e:
            form.add_error("project_description", e.message)
    if not form.is_valid():
        # Re-render with the typed text in the box: nothing is lost.
        return _subscription_page(request, {sub.pk: form}, status=400)
    messages.success(request, "Project/Application description saved.")
    return redirect(f"{reverse('portal:subscription')}#sub-{sub.pk}")


@post_only("portal:subscription")
@contact_required
def contact_request(request: HttpRequest) -> HttpResponse:
    """A contact asks to transfer their role or add a colleague; a support manager decides."""
    contact: SupportContact = request.contact  # type: ignore[attr-defined]
    form = ContactRequestForm(request.POST)
    if form.is_valid():
        try:
            customers.ask_contact_change(contact, at=clock.now(), **form.cleaned_data)
        except customers.EntitlementError as e:
            form.add_error(None, e.message)
    if not form.is_valid():
        return _subscription_page(request, {}, status=400, contact_form=form)
    messages.success(
        request, "Request sent. A support manager will decide; you will get a mail either way."
    )
    return redirect(f"{reverse('portal:subscription')}#contact-requests")
