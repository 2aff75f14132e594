"""The portal's case search: a contact's own organisation's cases, public text only (the
search service decides both from who is asking)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from casedesk.cases.models import DONE_STATUSES, OPEN_STATUSES
from casedesk.customers.models import SupportContact
from casedesk.lib.inputs import parse_id
from casedesk.search.services.cases import CaseFilters, search_cases
from casedesk.search.services.sql import CANDIDATES

SHOW = {"open": OPEN_STATUSES, "closed": DONE_STATUSES}


def results(request: HttpRequest, contact: SupportContact, show: str, q: str) -> HttpResponse:
    page = parse_id(request.GET.get("page", "1")) or 1
    statuses = tuple(str(s) for s in SHOW.get(show, ()))
    found = search_cases(request.user, q, CaseFilters(statuses=statuses), page=page)
    if found.exact is not None and page == 1:
        return redirect("portal:case", found.exact.tracking_number)
    context = {"results": found, "show": show, "q": q, "contact": contact, "candidates": CANDIDATES}
    return render(request, "portal/search.html", context | {"tz": contact.time_zone})
