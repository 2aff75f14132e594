"""Support groups in the admin (issue 18): members (on shift or not) and routing rules. A group
is configuration, not case data: cases move between groups only through the case services."""

from __future__ import annotations

from django.contrib import admin

from .models import GroupMember, RoutingRule, SupportGroup


class MemberInline(admin.TabularInline):
    model = GroupMember
    extra = 1
    autocomplete_fields = ("user",)


class RuleInline(admin.TabularInline):
    model = RoutingRule
    extra = 1


@admin.register(SupportGroup)
class SupportGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "description", "round_robin")
    search_fields = ("name",)
    inlines = (MemberInline, RuleInline)
