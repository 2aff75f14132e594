"""Support contacts on their own page: add, correct, (de)activate, invite, transfer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from casedesk.lib import clock
from casedesk.lib.inputs import parse_id

from .. import services
from ..models import DEFAULT_TIME_ZONE, ContactEvent, SupportContact
from ..roles import is_manager
from ..services import EntitlementError
from .base import IdInitialMixin, ServiceForm, invite_if_new, refusal_as_error, show_saved


class ContactForm(ServiceForm):
    class Meta:
        model = SupportContact
        fields = ["customer", "name", "email", "time_zone", "user", "is_active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        customer = data.get("customer") or getattr(self.instance, "customer", None)
        if not {"name", "email", "time_zone"} <= data.keys() or customer is None:
            return data
        with refusal_as_error(self):
            data["email"] = services.check_contact_fields(
                name=data["name"], email=data["email"], time_zone=data["time_zone"]
            )
            user, pk = data.get("user"), self.instance.pk
            if not data.get("is_active", True):
                services.check_user_free(user, exclude=pk)
                return data
            was_active = bool(pk) and bool(self.initial.get("is_active"))
            services.check_can_designate(
                customer, data["email"], user, clock.now(), exclude=pk, activating=not was_active
            )
        return data


class TransferForm(forms.Form):
    name = forms.CharField(max_length=200, label="New contact's name")
    email = forms.EmailField(label="New contact's e-mail")
    time_zone = forms.CharField(max_length=64)


@admin.register(SupportContact)
class SupportContactAdmin(IdInitialMixin, admin.ModelAdmin):
    form = ContactForm
    list_display = ["name", "email", "customer", "is_active", "added_at", "deactivated_at"]
    list_filter = ["is_active", "customer"]
    search_fields = ["name", "email", "customer__name", "customer__slug"]
    list_select_related = ["customer"]
    autocomplete_fields = ["customer"]
    raw_id_fields = ["user"]
    actions = ["deactivate_selected", "invite_selected"]
    change_form_template = "admin/customers/supportcontact/change_form.html"
    history_fields = [
        "added_at",
        "added_by",
        "deactivated_at",
        "deactivated_by",
        "deactivation_reason",
        "replaces",
        "history",
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["customer", *self.history_fields] if obj else []

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:  # type: ignore[override]  # flat names; lists are invariant
        fields = list(ContactForm.Meta.fields)
        return [*fields, *self.history_fields] if obj else fields

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {"time_zone": DEFAULT_TIME_ZONE, **super().get_changeform_initial_data(request)}

    @admin.display(description="history")
    def history(self, obj: SupportContact) -> str:
        events = ContactEvent.objects.filter(contact=obj).select_related("actor")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} {} by {}{}</li>",
                (
                    (
                        f"{e.at:%Y-%m-%d %H:%M}",
                        e.kind,
                        e.actor or "the operator",
                        f": {e.reason}" if e.reason else "",
                    )
                    for e in events
                ),
            ),
        )

    def save_model(
        self, request: HttpRequest, obj: SupportContact, form: Any, change: bool
    ) -> None:
        data, actor, at = form.cleaned_data, request.user, clock.now()
        if not change:
            saved = services.add_contact(
                actor,
                data["customer"],
                name=data["name"],
                email=data["email"],
                time_zone=data["time_zone"],
                user=data["user"],
                at=at,
            )
            if not data["is_active"]:
                saved = services.deactivate_contact(actor, saved, at, reason="added as inactive")
            invite_if_new(request, saved)
            show_saved(obj, saved)
            return
        current = SupportContact.objects.get(pk=obj.pk)
        if current.is_active and not data["is_active"]:
            services.deactivate_contact(actor, current, at)
        services.update_contact(
            actor,
            current,
            name=data["name"],
            email=data["email"],
            time_zone=data["time_zone"],
            user=data["user"],
        )
        if not current.is_active and data["is_active"]:
            services.reactivate_contact(actor, current, at)
        obj.refresh_from_db()

    @admin.action(description="Deactivate selected contacts")
    def deactivate_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        done = 0
        for contact in queryset.filter(is_active=True):
            try:
                services.deactivate_contact(request.user, contact, clock.now())
                done += 1
            except EntitlementError as exc:
                self.message_user(request, exc.message, messages.ERROR)
        self.message_user(request, f"{done} contact(s) deactivated.")

    @admin.action(description="Send an invitation to choose a password")
    def invite_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        sent = 0
        for contact in queryset.select_related("user"):
            if contact.user is None or not services.awaits_first_password(contact.user):
                self.message_user(
                    request,
                    f"{contact.name} has no login waiting for a first password; a person with a "
                    'password uses "Forgot your password?" on the sign-in page.',
                    messages.WARNING,
                )
                continue
            services.send_invitation(contact.user, to=contact.email)
            sent += 1
        self.message_user(request, f"{sent} invitation(s) sent.")

    # A transfer (deactivate one, designate another, in one step with history) has its own page.
    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.transfer_view)
        return [
            path("<int:pk>/transfer/", view, name="customers_supportcontact_transfer"),
            *super().get_urls(),
        ]

    def transfer_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        contact = get_object_or_404(SupportContact, pk=pk)
        if not is_manager(request.user):
            return HttpResponse(status=403)
        form = TransferForm(request.POST or None, initial={"time_zone": contact.time_zone})
        if request.method == "POST" and form.is_valid():
            try:
                new = services.transfer_contact(
                    request.user, contact, at=clock.now(), **form.cleaned_data
                )
            except EntitlementError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(request, f"{contact.name}'s role was transferred to {new.name}.")
                url = reverse("admin:customers_supportcontact_change", args=[new.pk])
                return HttpResponseRedirect(url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Transfer {contact.name} ({contact.customer.name}) to another person",
            "form": form,
            "contact": contact,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/customers/transfer.html", context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        pk = parse_id(object_id)  # no id, no contact: the admin says so itself
        extra = (
            {"transfer_url": reverse("admin:customers_supportcontact_transfer", args=[pk])}
            if pk
            else {}
        )
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})
