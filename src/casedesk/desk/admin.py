"""Canned replies in the admin; followers and watchers are shown, written on the case pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from casedesk.desk.models import CannedReply
from casedesk.desk.placeholders import PLACEHOLDERS, PlaceholderError, names_in
from casedesk.lib import clock


class CannedReplyForm(forms.ModelForm):
    class Meta:
        model = CannedReply
        fields = ["title", "owner", "body", "set_status", "ask_items", "exclusion_code"]
        help_texts = {
            "body": "Placeholders: " + "; ".join(f"{{{k}}} {v}" for k, v in PLACEHOLDERS.items()),
            "ask_items": "One item a line: sending the reply also asks the customer for these.",
        }

    def clean_body(self) -> str:
        body = str(self.cleaned_data["body"])
        try:
            names_in(body)
        except PlaceholderError as exc:
            raise forms.ValidationError(str(exc)) from None
        return body


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    form = CannedReplyForm
    list_display = ["title", "owner", "set_status", "use_count", "updated_at"]
    list_filter = ["set_status"]
    search_fields = ["title", "body"]
    readonly_fields = ["use_count", "updated_at"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.updated_at = clock.now()
        super().save_model(request, obj, form, change)
