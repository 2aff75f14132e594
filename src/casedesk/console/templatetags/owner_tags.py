"""`{% support_groups as groups %}`: the groups a case can move to, for the case page's owner
card (console/_take.html), without each case view having to pass them."""

from __future__ import annotations

from django import template

from casedesk.console.queue_forms import group_choices

register = template.Library()


@register.simple_tag
def support_groups() -> list[tuple[int, str]]:
    return [(int(pk), name) for pk, name in group_choices()]
