"""The background tasks page for managers: waiting, running, failed and recovered tasks, with
their age, and whether a running task's worker is still alive (casedesk.watch.recovery)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from casedesk.customers.models import DEFAULT_TIME_ZONE
from casedesk.lib import clock
from casedesk.watch import recovery

from .decorators import manager_required

PAGE_SIZE = 50


@manager_required
def task_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("list", "running")
    if kind not in recovery.LISTS:
        kind = "running"
    now = clock.now()
    counts = recovery.counts()
    page = Paginator(recovery.listing(kind), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "kind": kind,
        "lists": [(key, label, counts[key]) for key, label in recovery.LISTS.items()],
        "page": page,
        "rows": recovery.rows(kind, list(page.object_list), now),
        "now": now,
        "lease": recovery.lease(),
        "tz": DEFAULT_TIME_ZONE,
    }
    return render(request, "console/tasks.html", context)
