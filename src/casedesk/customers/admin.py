"""The managers' admin for customers, subscriptions, contacts and releases.

Every save goes through `customers.services`: forms check with the service's own checks in
clean(), so a refused change shows the same sentence as everywhere else, and save_model /
save_formset call the service to write.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.forms.models import BaseInlineFormSet, construct_instance
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from casedesk.lib import clock
from casedesk.lib.inputs import parse_id

from . import services
from .models import (
    DEFAULT_TIME_ZONE,
    ContactEvent,
    Customer,
    QuotaEntry,
    Release,
    Subscription,
    SupportContact,
    TermsVersion,
)
from .roles import is_manager
from .services import EntitlementError


@contextmanager
def refusal_as_error(form: forms.BaseForm, field: str | None = None) -> Iterator[None]:
    """Show a service refusal as a form error with the service's own message."""
    try:
        yield
    except EntitlementError as exc:
        form.add_error(field, exc.message)


class ServiceForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        # ModelForm.clean() returns cleaned_data; the stubs say "or None" for Form.clean().
        super().clean()
        return self.cleaned_data

    def _post_clean(self) -> None:
        # The rules are checked in clean() by the services, with their messages; the database
        # constraints back them. Only copy the values onto the instance here, and only valid
        # ones: the page shows the instance's computed fields again (a level no terms know
        # would break them) and nothing is saved anyway.
        if self.errors:
            return
        try:
            self.instance = construct_instance(
                self, self.instance, self._meta.fields, self._meta.exclude
            )
        except ValidationError as exc:
            self._update_errors(exc)  # type: ignore[attr-defined]  # not in the stubs


class IdInitialMixin:
    """The admin prefills an add form from the query string (?customer=3); a value for a
    relation that is no id (?customer=² or a number past 64 bits) is dropped, not looked up."""

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial: dict[str, Any] = super().get_changeform_initial_data(request)  # type: ignore[misc]
        relations = {f.name for f in self.model._meta.get_fields() if f.is_relation}  # type: ignore[attr-defined]
        for name, value in list(initial.items()):
            values = value if isinstance(value, list) else str(value).split(",")
            if name in relations and any(parse_id(v) is None for v in values):
                del initial[name]
        return initial


def _copy_saved(target: Any, saved: Any) -> None:
    # The admin keeps using the object it built from the form (for the redirect and the log).
    target.__dict__.update({k: v for k, v in saved.__dict__.items() if k != "_state"})
    target._state.adding = False
    target._state.db = saved._state.db
    target._state.fields_cache = dict(saved._state.fields_cache)


def invite_if_new(request: HttpRequest, contact: SupportContact) -> None:
    """A contact whose login never had a password gets the invitation once the save commits."""
    user = contact.user
    if user is None or not contact.is_active or not services.awaits_first_password(user):
        return

    def send() -> None:
        try:
            services.send_invitation(user, to=contact.email)
        except OSError as exc:  # the mail server is away: the contact is saved all the same
            messages.error(
                request,
                f"The invitation to {contact.email} could not be mailed ({exc}); print the link "
                f"with: casedesk invite {user.get_username()} --print",
            )

    messages.info(
        request,
        f"{contact.name} will get an invitation at {contact.email} to choose a password for "
        f"the login {user.get_username()}.",
    )
    transaction.on_commit(send)


def intake_text(customer: Customer) -> str:
    try:
        sub = services.customer_subscription(customer, clock.now())
    except EntitlementError as exc:
        return f"No — {exc.message}"
    return f"Yes, under the {sub.level_name} subscription (until {sub.ends_on})"


# --- customers and their contacts -------------------------------------------------------------


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
        if not changed:
            return
        on = services.local_date(customer, clock.now()) if customer.pk else None
        active = customer.contacts.filter(is_active=True).count() if customer.pk else 0
        active -= sum(1 for f in changed if _was_active(f) and not f.cleaned_data["is_active"])
        emails: set[str] = set()
        for f in changed:
            if not f.cleaned_data["is_active"]:
                continue
            self._check_email(f, customer, emails)
            with refusal_as_error(f, "user"):
                services.check_user_free(f.cleaned_data.get("user"), exclude=f.instance.pk)
            if _was_active(f):
                continue
            refusal = (
                services.contact_limit_refusal(customer, on, active)
                if on
                else f"{customer.name} has no current subscription; add one before designating "
                "support contacts."
            )
            if refusal:
                f.add_error(None, refusal)
            else:
                active += 1

    def _check_email(self, form: forms.ModelForm, customer: Customer, emails: set[str]) -> None:
        email = form.cleaned_data["email"]
        taken = (
            customer.contacts.filter(is_active=True, email=email)
            .exclude(pk=form.instance.pk)
            .first()
            if customer.pk
            else None
        )
        if email in emails or taken:
            who = f" ({taken.name})" if taken else ""
            form.add_error(
                "email", f"{email} is already an active support contact of {customer.name}{who}."
            )
        emails.add(email)


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
            taken = Customer.objects.filter(slug=data["slug"]).exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error(
                    "slug", f'A customer with the short name "{data["slug"]}" already exists.'
                )
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
        return (
            super()
            .get_queryset(request)
            .annotate(n_active=Count("contacts", filter=Q(contacts__is_active=True)))
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
        return intake_text(obj)

    def save_model(self, request: HttpRequest, obj: Customer, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            services.rename_customer(request.user, obj, name=data["name"])
        else:
            saved = services.create_customer(
                request.user, name=data["name"], slug=data["slug"], at=clock.now()
            )
            _copy_saved(obj, saved)

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


# --- subscriptions ---------------------------------------------------------------------------


class SubscriptionForm(ServiceForm):
    terms_version = forms.ModelChoiceField(
        queryset=TermsVersion.objects.all(),
        required=False,
        help_text="Empty: the terms currently configured. Fixed once the subscription exists.",
    )

    class Meta:
        model = Subscription
        fields = [
            "customer",
            "level",
            "nodes",
            "starts_on",
            "ends_on",
            "terms_version",
            "project_description",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        needed = {"level", "nodes", "starts_on", "ends_on"}
        if self.instance.pk is None:
            needed.add("customer")
        if not needed <= data.keys():
            return data
        with refusal_as_error(self):
            version = (
                self.instance.terms_version
                if self.instance.pk
                else data.get("terms_version") or services.current_terms_version()
            )
            services.check_subscription_fields(
                version,
                level=data["level"],
                nodes=data["nodes"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
            )
        return data


class QuotaEntryInline(admin.TabularInline):
    model = QuotaEntry
    extra = 0
    can_delete = False
    fields = ["at", "year_start", "case_ref", "kind", "actor", "reason"]
    readonly_fields = fields  # type: ignore[assignment]  # flat names; stubs type `fields` as groups
    verbose_name_plural = "incident quota ledger"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StatusFilter(admin.SimpleListFilter):
    title = "status today"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("current", "current"), ("expired", "expired"), ("not started", "not started")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # "Today" on the terms' calendar, as the status column and open_case judge it.
        zone = services.current_terms_version().terms.calendar.timezone
        today = clock.now().astimezone(ZoneInfo(zone)).date()
        return {
            "current": queryset.filter(starts_on__lte=today, ends_on__gte=today),
            "expired": queryset.filter(ends_on__lt=today),
            "not started": queryset.filter(starts_on__gt=today),
        }.get(self.value() or "", queryset)


@admin.register(Subscription)
class SubscriptionAdmin(IdInitialMixin, admin.ModelAdmin):
    form = SubscriptionForm
    list_display = [
        "customer",
        "level",
        "nodes",
        "starts_on",
        "ends_on",
        "status",
        "contact_limit",
        "quota_use",
    ]
    list_filter = [StatusFilter, "level", "terms_version"]
    search_fields = ["customer__name", "customer__slug", "project_description"]
    autocomplete_fields = ["customer"]
    list_select_related = ["customer", "terms_version"]
    date_hierarchy = "starts_on"
    inlines = [QuotaEntryInline]
    computed = ["contact_limit", "quota_use", "case_intake", "emergency_patches"]

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[Any]:
        return self.inlines if obj else []

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["customer", "terms_version", *self.computed] if obj else []

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:  # type: ignore[override]  # flat names; lists are invariant
        fields = list(SubscriptionForm.Meta.fields)
        return [*fields, *self.computed] if obj else fields

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kw: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kw)
        version = obj.terms_version if obj else services.current_terms_version()
        if "level" in form.base_fields:
            form.base_fields[
                "level"
            ].help_text = (
                f"A level key of terms {version.version}: {', '.join(version.terms.levels)}."
            )
        return form

    @admin.display(description="status today")
    def status(self, obj: Subscription) -> str:
        return obj.status_on(obj.local_date(clock.now()))

    @admin.display(description="contacts")
    def contact_limit(self, obj: Subscription) -> str:
        return services.contact_limit_text(obj)

    @admin.display(description="Sev 1/2 incidents")
    def quota_use(self, obj: Subscription) -> str:
        return services.quota_status(obj, clock.now()).text

    @admin.display(description="can open cases now")
    def case_intake(self, obj: Subscription) -> str:
        return intake_text(obj.customer)

    @admin.display(description="emergency patches")
    def emergency_patches(self, obj: Subscription) -> str:
        return services.patch_refusal(obj) or "Included."

    def save_model(self, request: HttpRequest, obj: Subscription, form: Any, change: bool) -> None:
        data, actor = form.cleaned_data, request.user
        if not change:
            saved = services.create_subscription(
                actor,
                data["customer"],
                level=data["level"],
                nodes=data["nodes"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                project_description=data["project_description"],
                terms_version=data.get("terms_version"),
                at=clock.now(),
            )
            _copy_saved(obj, saved)
            return
        current = Subscription.objects.get(pk=obj.pk)
        services.update_subscription(
            actor,
            current,
            level=data["level"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            project_description=data["project_description"],
        )
        if data["nodes"] != current.nodes:
            active, limit, over = services.set_nodes(actor, current, data["nodes"])
            if over:
                self.message_user(
                    request,
                    f"{services.contact_limit_text(current)}. No contact was removed; new "
                    "contacts are refused until enough are deactivated.",
                    messages.WARNING,
                )


# --- contacts on their own -------------------------------------------------------------------


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
            services.check_user_free(data.get("user"), exclude=self.instance.pk)
            was_active = bool(self.instance.pk) and self.initial.get("is_active")
            if data.get("is_active", True):
                services.check_email_free(customer, data["email"], exclude=self.instance.pk)
            if data.get("is_active", True) and not was_active:
                refusal = services.contact_limit_refusal(
                    customer, services.local_date(customer, clock.now())
                )
                if refusal:
                    raise EntitlementError(refusal)
        return data


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
            _copy_saved(obj, saved)
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
        _copy_saved(obj, SupportContact.objects.get(pk=obj.pk))

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


class TransferForm(forms.Form):
    name = forms.CharField(max_length=200, label="New contact's name")
    email = forms.EmailField(label="New contact's e-mail")
    time_zone = forms.CharField(max_length=64)


# --- releases, terms, the ledger ---------------------------------------------------------------


class ReleaseForm(ServiceForm):
    class Meta:
        model = Release
        fields = ["product", "version", "ga_on", "end_of_support_on", "production"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        product = data.get("product", self.instance.product)
        version = data.get("version", self.instance.version)
        if "ga_on" in data and product and version:
            with refusal_as_error(self):
                services.check_release_fields(
                    product=product,
                    version=version,
                    ga_on=data["ga_on"],
                    end_of_support_on=data.get("end_of_support_on"),
                )
                taken = Release.objects.filter(product=product, version=version)
                if not self.instance.pk and taken.exists():
                    raise EntitlementError(
                        f"{product} {version} is already in the release catalog."
                    )
        return data


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    form = ReleaseForm
    list_display = ["product", "version", "ga_on", "supported_through", "production", "today"]
    list_filter = ["product", "production"]
    search_fields = ["product", "version"]
    date_hierarchy = "ga_on"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["product", "version", "today"] if obj else []

    @admin.display(description="supported through")
    def supported_through(self, obj: Release) -> Any:
        return services.end_of_support(obj, services.current_terms_version().terms)

    @admin.display(description="support today")
    def today(self, obj: Release) -> str:
        terms = services.current_terms_version().terms
        # The terms' calendar day, as open_case judges a case's version (not the UTC date).
        today = clock.now().astimezone(ZoneInfo(terms.calendar.timezone)).date()
        return services.release_support_note(obj, today, terms)

    def save_model(self, request: HttpRequest, obj: Release, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            services.update_release(
                request.user,
                Release.objects.get(pk=obj.pk),
                ga_on=data["ga_on"],
                end_of_support_on=data["end_of_support_on"],
                production=data["production"],
            )
            return
        _copy_saved(obj, services.add_release(request.user, **data))


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(QuotaEntry)
class QuotaEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "subscription", "year_start", "case_ref", "kind", "actor", "reason"]
    list_filter = ["kind", "subscription__level"]
    search_fields = ["case_ref", "subscription__customer__name", "reason"]
    list_select_related = ["subscription__customer", "subscription__terms_version", "actor"]


@admin.register(TermsVersion)
class TermsVersionAdmin(ReadOnlyAdmin):
    list_display = ["version", "created_at"]
    search_fields = ["version"]
