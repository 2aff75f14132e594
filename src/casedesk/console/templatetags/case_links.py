"""`{% case_links case as panel %}`: what the case page's links panel shows (issue 18), so the
page includes the panel with one line and its view needs no change."""

from __future__ import annotations

from typing import Any

from django import template

from casedesk.cases import services as cases
from casedesk.cases.models import Case

from ..link_forms import LinkForm, MergeForm

register = template.Library()


@register.simple_tag(takes_context=True)
def case_links(context: template.Context, case: Case) -> dict[str, Any]:
    bound = context.get("forms") or {}
    return {
        "links": cases.links_of(context["request"].user, case),
        "merged_into": cases.merged_into(case),
        "merged_here": list(case.duplicates.order_by("number").only("tracking_number", "subject")),
        "link_form": bound.get("link") or LinkForm(),
        "merge_form": bound.get("merge") or MergeForm(),
        "can_merge": case.is_open,
    }
