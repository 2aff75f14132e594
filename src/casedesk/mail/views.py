"""Console pages for mail: held inbound mail (list, read, attach, discard) and the outbox
(mail waiting to be sent or given up, and "send again")."""

from __future__ import annotations

from email.parser import BytesHeaderParser
from email.policy import compat32
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe

from casedesk.console.decorators import agent_required
from casedesk.customers.models import DEFAULT_TIME_ZONE, Customer, SupportContact
from casedesk.customers.roles import is_manager
from casedesk.customers.services import EntitlementError
from casedesk.lib import clock
from casedesk.lib.prg import post_only
from casedesk.mail import intake, outbox, services
from casedesk.mail.models import InboundMessage, InboundStatus, OutboundStatus
from casedesk.mail.parse import clean_text

PAGE_SIZE = 50
SHOWN_HEADERS = ("From", "To", "Cc", "Reply-To", "Date", "Subject", "Message-ID")
LISTS = {
    InboundStatus.HELD_UNVERIFIED: "Held: sender not verified",
    InboundStatus.FAILED: "Failed",
    InboundStatus.DISCARDED: "Discarded",
}


class AttachForm(forms.Form):
    contact = forms.ModelChoiceField(
        queryset=SupportContact.objects.none(),
        label="Customer and contact",
        help_text="The message becomes a case (or a reply) from this active contact.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[SupportContact]", self.fields["contact"])
        field.queryset = (
            SupportContact.objects.filter(is_active=True)
            .select_related("customer")
            .order_by("customer__name", "name")
        )
        field.label_from_instance = lambda c: f"{c.customer.name} — {c.name} <{c.email}>"  # type: ignore[method-assign,assignment]  # per-instance labels, as Django documents


class AddContactForm(forms.Form):
    customer = forms.ModelChoiceField(queryset=Customer.objects.order_by("name"))
    name = forms.CharField(max_length=200, label="Contact's name")


class DiscardForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), help_text="Kept with the message."
    )


@agent_required
def held_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", InboundStatus.HELD_UNVERIFIED)
    if status not in LISTS:
        status = InboundStatus.HELD_UNVERIFIED
    page = Paginator(services.held_messages(status), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "status": status, "lists": LISTS, "tz": DEFAULT_TIME_ZONE}
    return render(request, "mail/held_list.html", context)


def _access(request: HttpRequest, pk: int) -> InboundMessage:
    try:
        return services.access_inbound(request.user, pk)
    except services.NoSuchMessage as exc:
        raise Http404(str(exc)) from None


@agent_required
def message(request: HttpRequest, pk: int, **forms_: Any) -> HttpResponse:
    inbound = _access(request, pk)
    parsed = intake.parse(bytes(inbound.raw), list(inbound.envelope_to))
    headers = _headers(bytes(inbound.raw))
    context = {
        "m": inbound,
        "parsed": parsed,
        "html": mark_safe(parsed.html),  # noqa: S308 - nh3-sanitised by parse_message
        "headers": headers,
        "open": inbound.status in services.OPEN_STATUSES,
        "can_add_contact": is_manager(request.user),
        "attach_form": forms_.get("attach_form") or AttachForm(),
        "contact_form": forms_.get("contact_form")
        or AddContactForm(initial={"name": parsed.from_name}),
        "discard_form": forms_.get("discard_form") or DiscardForm(),
        # A refused decision is shown above the forms, which may no longer be on the page.
        "refusals": [
            e
            for key in ("attach_form", "contact_form", "discard_form")
            if key in forms_
            for e in forms_[key].non_field_errors()
        ],
        "tz": DEFAULT_TIME_ZONE,
    }
    return render(request, "mail/message.html", context, status=forms_.get("status", 200))


def _headers(raw: bytes) -> list[tuple[str, str]]:
    parsed = BytesHeaderParser(policy=compat32).parsebytes(raw[: 256 * 1024], headersonly=True)
    return [
        (name, clean_text(value)[:1000])
        for name in SHOWN_HEADERS
        for value in parsed.get_all(name) or []
    ]


@post_only("mail:message", "pk")
@agent_required
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    inbound = _access(request, pk)
    form = AttachForm(request.POST)
    if not form.is_valid():
        return message(request, pk, attach_form=form, status=400)
    return _decide(
        request,
        inbound,
        lambda: services.attach(request.user, inbound, form.cleaned_data["contact"]),
        attach_form=form,
    )


@post_only("mail:message", "pk")
@agent_required
def add_contact(request: HttpRequest, pk: int) -> HttpResponse:
    inbound = _access(request, pk)
    form = AddContactForm(request.POST)
    if not is_manager(request.user):
        form.is_valid()
        form.add_error(None, "Only a support manager can designate support contacts.")
        return message(request, pk, contact_form=form, status=403)
    if not form.is_valid():
        return message(request, pk, contact_form=form, status=400)
    data = form.cleaned_data
    return _decide(
        request,
        inbound,
        lambda: services.add_sender_and_attach(
            request.user, inbound, data["customer"], data["name"]
        ),
        contact_form=form,
    )


@post_only("mail:message", "pk")
@agent_required
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    inbound = _access(request, pk)
    form = DiscardForm(request.POST)
    if not form.is_valid():
        return message(request, pk, discard_form=form, status=400)
    try:
        services.discard(request.user, inbound, form.cleaned_data["reason"])
    except services.DecisionError as exc:
        form.add_error(None, exc.message)
        return message(request, pk, discard_form=form, status=409)
    messages.success(request, "Message discarded; it stays on record with your reason.")
    return redirect("mail:held")


def _decide(
    request: HttpRequest, inbound: InboundMessage, act: Any, **form_kw: Any
) -> HttpResponse:
    form = next(iter(form_kw.values()))
    try:
        reply = act()
    except services.NoSuchMessage as exc:
        raise Http404(str(exc)) from None
    except (services.DecisionError, EntitlementError, ValidationError) as exc:
        text = exc.messages if isinstance(exc, ValidationError) else [exc.message]
        for line in text:
            form.add_error(None, line)
        return message(request, inbound.pk, **form_kw, status=409)
    inbound.refresh_from_db()
    if inbound.status == InboundStatus.PROCESSED and inbound.case is not None:
        messages.success(request, f"Attached: {inbound.case.tracking_number}.")
        return redirect("console:case", inbound.case.tracking_number)
    messages.error(request, f"Not attached: {inbound.error or reply}")
    return redirect("mail:message", inbound.pk)


# -- the outbox -----------------------------------------------------------------------------------


@agent_required
def outbox_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", OutboundStatus.GAVE_UP)
    if status not in outbox.LISTS:
        status = OutboundStatus.GAVE_UP
    page = Paginator(outbox.listing(status), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "lists": outbox.LISTS,
        "rows": outbox.with_tracking_numbers(list(page.object_list)),
        "tz": DEFAULT_TIME_ZONE,
    }
    return render(request, "mail/outbox.html", context)


@post_only("mail:outbox")
@agent_required
def send_again(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        record = outbox.access_outbound(request.user, pk)
        outbox.send_again(request.user, record, clock.now())
    except outbox.NoSuchMail as exc:
        raise Http404(str(exc)) from None
    except outbox.OutboxError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"Back in the queue: “{record.subject}” to {', '.join(record.to)}."
        )
    return redirect(f"{reverse('mail:outbox')}?status={OutboundStatus.GAVE_UP}")
