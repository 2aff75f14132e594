"""The release catalog, and the read-only records: the quota ledger and the terms versions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from casedesk.core.admin import ReadOnlyAdmin
from casedesk.lib import clock
from casedesk.lib.tz import local_date

from .. import services
from ..models import QuotaEntry, Release, TermsVersion
from .base import ServiceForm, TermsPerPage, current_terms, refusal_as_error, show_saved


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
                if not self.instance.pk:
                    services.check_release_free(product, version)
        return data


@admin.register(Release)
class ReleaseAdmin(TermsPerPage):
    form = ReleaseForm
    list_display = ["product", "version", "ga_on", "supported_through", "production", "today"]
    list_filter = ["product", "production"]
    search_fields = ["product", "version"]
    date_hierarchy = "ga_on"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["product", "version", "today"] if obj else []

    @admin.display(description="supported through")
    def supported_through(self, obj: Release) -> dt.date:
        return services.end_of_support(obj, current_terms())

    @admin.display(description="support today")
    def today(self, obj: Release) -> str:
        terms = current_terms()
        # The terms' calendar day, as open_case judges a case's version (not the UTC date).
        today = local_date(clock.now(), terms.calendar.timezone)
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
        show_saved(obj, services.add_release(request.user, **data))


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
