"""The console's search page: cases (every customer's, notes included), customers, contacts."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from casedesk.customers.models import DEFAULT_TIME_ZONE, Customer
from casedesk.lib.inputs import parse_id
from casedesk.search.services.cases import CasePage, Hit, search_cases
from casedesk.search.services.people import People, search_people
from casedesk.search.services.sql import CANDIDATES

from . import queue as q
from .decorators import agent_required
from .queue_page import filter_choices
from .search_forms import SearchForm


@agent_required
def search(request: HttpRequest) -> HttpResponse:
    agents, choices = q.assignable_agents(), filter_choices()
    form = SearchForm(
        request.GET or None,
        levels=choices.levels,
        customers=choices.customers,
        assignees=[(str(a.pk), a.get_full_name() or a.get_username()) for a in agents],
    )
    page_number = parse_id(request.GET.get("page", "1")) or 1
    results: CasePage | None = None
    people, searched = People(), False
    if form.is_valid():
        text = form.cleaned_data["q"]
        customer_ids = dict(Customer.objects.values_list("slug", "pk"))
        filters = form.filters(DEFAULT_TIME_ZONE, customer_ids)
        results = search_cases(request.user, text, filters, page=page_number)
        searched = not results.query.empty or filters.any
        if results.exact is not None and page_number == 1:
            return redirect("console:case", results.exact.tracking_number)
        people = search_people(request.user, text) if page_number == 1 else People()
    context = {
        "form": form,
        "results": results,
        "people": people,
        "rows": _rows(results, dict(choices.levels)),
        "searched": searched,
        "tz": DEFAULT_TIME_ZONE,
        "candidates": CANDIDATES,
    }
    return render(request, "console/search.html", context)


def _rows(results: CasePage | None, names: dict[str, str]) -> list[tuple[Hit, str]]:
    """Each hit with its level as the terms name it."""
    if results is None:
        return []
    return [(hit, names.get(hit.case.level, "—")) for hit in results.hits]
