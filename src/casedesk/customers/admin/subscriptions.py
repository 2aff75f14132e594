"""Subscriptions: level and term checked against their terms, limits and quota shown."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from casedesk.lib import clock
from casedesk.lib.tz import local_date

from .. import services
from ..models import QuotaEntry, Subscription, TermsVersion
from .base import (
    IdInitialMixin,
    ServiceForm,
    TermsPerPage,
    current_terms,
    intake_text,
    refusal_as_error,
    show_saved,
)


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
        today = local_date(clock.now(), current_terms().calendar.timezone)
        return {
            "current": queryset.filter(starts_on__lte=today, ends_on__gte=today),
            "expired": queryset.filter(ends_on__lt=today),
            "not started": queryset.filter(starts_on__gt=today),
        }.get(self.value() or "", queryset)


@admin.register(Subscription)
class SubscriptionAdmin(IdInitialMixin, TermsPerPage):
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

    def get_queryset(self, request: HttpRequest) -> QuerySet[Subscription]:
        # The columns count contacts and read the quota ledger for every row in two queries.
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_active=Count("customer__contacts", filter=Q(customer__contacts__is_active=True))
            )
            .prefetch_related("quota_entries")
        )

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
        return services.contact_limit_text(obj, obj.n_active)  # type: ignore[attr-defined]

    @admin.display(description="Sev 1/2 incidents")
    def quota_use(self, obj: Subscription) -> str:
        return services.quota_status(obj, clock.now(), obj.quota_entries.all()).text

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
            show_saved(obj, saved)
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
