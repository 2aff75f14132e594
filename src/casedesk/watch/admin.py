"""Read-only admin views of the SLA watch: alerts and pager deliveries, filterable by case."""

from __future__ import annotations

from django.contrib import admin

from casedesk.core.admin import ReadOnlyAdmin

from .models import CaseWatch, SlaAlert, WebhookDelivery


class _ReadOnly(ReadOnlyAdmin):
    deletable = True  # an operator may clear old watch rows by hand


@admin.register(CaseWatch)
class CaseWatchAdmin(_ReadOnly):
    list_display = ("case", "next_alert_kind", "next_alert_at", "deadline")
    search_fields = ("case__tracking_number",)


@admin.register(SlaAlert)
class SlaAlertAdmin(_ReadOnly):
    list_display = ("case", "kind", "status", "due_at", "sent_at", "step", "attempts")
    list_filter = ("kind", "status")
    search_fields = ("case__tracking_number",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(_ReadOnly):
    list_display = ("case", "status", "attempts", "last_status_code", "created_at", "delivered_at")
    list_filter = ("status",)
    search_fields = ("case__tracking_number", "delivery_id")
