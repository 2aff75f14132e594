"""Customers, with their subscriptions and contacts inline (contacts checked as one set)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, Prefetch, Q, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from casedesk.lib import clock

from .. import services
from ..models import Customer, Subscription, SupportContact
from .base import ServiceForm, intake_text, invite_if_new, refusal_as_error, show_saved


class ContactInlineForm(ServiceForm):
    class Meta:
        model = SupportContact
        fields = ["name", "email", "time_zone", "user", "is_active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if {"name", "email", "time_zone"} <= data.keys():
            with refusal_as_error(self):
                data["email"] = services.check_contact_fields(
                    name=data["name"], email=data["email"], time_zone=data["time_zone"]
                )
        return data


def _was_active(form: forms.ModelForm) -> bool:
    return bool(form.instance.pk) and bool(form.initial.get("is_active"))


class ContactFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        """Check the whole set of changes against the contact limit, deactivations first."""
        super().clean()
        customer: Customer = self.instance
        changed = [f for f in self.forms if f.has_changed() and not f.errors]
        if not changed or not customer.pk:  # contacts are added once the customer exists
            return
        at = clock.now()
        active = customer.contacts.filter(is_active=True).count()
        active -= sum(1 for f in changed if _was_active(f) and not f.cleaned_data["is_active"])
        emails: set[str] = set()
        for f in changed:
            if not f.cleaned_data["is_active"]:
                continue
            email = f.cleaned_data["email"]
            if email in emails:  # twice in this set
                f.add_error(
                    "email", f"{email} is already an active support contact of {customer.name}."
                )
            else:
                with refusal_as_error(f, "email"):
                    services.check_email_free(customer, email, exclude=f.instance.pk)
            emails.add(email)
            with refusal_as_error(f, "user"):
                services.check_user_free(f.cleaned_data.get("user"), exclude=f.instance.pk)
            if _was_active(f):
                continue
            # The count of the whole set, not the database's: the set is saved in one go.
            refusal = services.contact_limit_refusal(
                customer, services.local_date(customer, at), active
            )
            if refusal:
                f.add_error(None, refusal)
            else:
                active += 1


class ContactInline(admin.TabularInline):
    model = SupportContact
    form = ContactInlineForm
    formset = ContactFormSet
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["name", "email", "time_zone", "user", "is_active", "added", "deactivated"]
    readonly_fields = ["added", "deactivated"]
    raw_id_fields = ["user"]

    @admin.display(description="added")
    def added(self, obj: SupportContact) -> str:
        if not obj.pk:
            return ""
        by = f" by {obj.added_by}" if obj.added_by else ""
        return f"{obj.added_at:%Y-%m-%d}{by}"

    @admin.display(description="deactivated")
    def deactivated(self, obj: SupportContact) -> str:
        if not obj.deactivated_at:
            return ""
        by = f" by {obj.deactivated_by}" if obj.deactivated_by else ""
        why = f": {obj.deactivation_reason}" if obj.deactivation_reason else ""
        return f"{obj.deactivated_at:%Y-%m-%d}{by}{why}"


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["level", "nodes", "starts_on", "ends_on", "terms_version"]
    readonly_fields = fields  # type: ignore[assignment]  # flat names; stubs type `fields` as groups

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # added on the subscription page, which checks the terms


class CustomerForm(ServiceForm):
    class Meta:
        model = Customer
        fields = ["name", "slug"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if {"name", "slug"} <= data.keys():
            with refusal_as_error(self):
                services.check_customer_fields(name=data["name"], slug=data["slug"])
            with refusal_as_error(self, "slug"):
                services.check_slug_free(data["slug"], exclude=self.instance.pk)
        return data


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    form = CustomerForm
    list_display = ["name", "slug", "active_contacts", "case_intake"]
    search_fields = ["name", "slug", "contacts__name", "contacts__email"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["case_intake"]
    inlines = [SubscriptionInline, ContactInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Customer]:
        # The columns read every row's subscriptions (latest start first, as
        # customer_subscription does) and contact count in two queries, not two per row.
        subscriptions = Subscription.objects.select_related("terms_version").order_by(
            "-starts_on", "-id"
        )
        return (
            super()
            .get_queryset(request)
            .annotate(n_active=Count("contacts", filter=Q(contacts__is_active=True)))
            .prefetch_related(Prefetch("subscriptions", queryset=subscriptions))
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["slug", "case_intake"] if obj else []

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> dict[str, Any]:
        return {} if obj else self.prepopulated_fields

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[Any]:
        # Contacts need a subscription first: add the customer, then its subscription.
        return self.inlines if obj else []

    @admin.display(description="active contacts", ordering="n_active")
    def active_contacts(self, obj: Customer) -> int:
        return obj.n_active  # type: ignore[attr-defined]

    @admin.display(description="can open cases now")
    def case_intake(self, obj: Customer) -> str:
        return intake_text(obj, list(obj.subscriptions.all()))

    def save_model(self, request: HttpRequest, obj: Customer, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            services.rename_customer(request.user, obj, name=data["name"])
        else:
            saved = services.create_customer(
                request.user, name=data["name"], slug=data["slug"], at=clock.now()
            )
            show_saved(obj, saved)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not SupportContact:
            formset.save()
            return
        save_contact_formset(request, form.instance, formset)


def save_contact_formset(request: HttpRequest, customer: Customer, formset: Any) -> None:
    """Apply the checked contact changes through the services: deactivations first."""
    at, actor = clock.now(), request.user
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    changed = [f for f in formset.forms if f.has_changed()]
    changed.sort(key=lambda f: not (_was_active(f) and not f.cleaned_data["is_active"]))
    for f in changed:
        data, contact = f.cleaned_data, f.instance
        if not contact.pk:
            new = services.add_contact(
                actor,
                customer,
                name=data["name"],
                email=data["email"],
                time_zone=data["time_zone"],
                at=at,
                user=data["user"],
            )
            if not data["is_active"]:
                services.deactivate_contact(actor, new, at, reason="added as inactive")
            else:
                invite_if_new(request, new)
            formset.new_objects.append(new)
            continue
        details = [n for n in f.changed_data if n != "is_active"]
        contact = SupportContact.objects.get(pk=contact.pk)
        if _was_active(f) and not data["is_active"]:
            services.deactivate_contact(actor, contact, at)
        if details:
            services.update_contact(
                actor,
                contact,
                name=data["name"],
                email=data["email"],
                time_zone=data["time_zone"],
                user=data["user"],
            )
        if not _was_active(f) and data["is_active"]:
            services.reactivate_contact(actor, contact, at)
        formset.changed_objects.append((contact, f.changed_data))
