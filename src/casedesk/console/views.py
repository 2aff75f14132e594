"""Console pages for support engineers: the queue, customers, and case files."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from casedesk.cases import downloads
from casedesk.cases import services as cases
from casedesk.cases.models import OPEN_STATUSES, Attachment
from casedesk.customers import services as customers
from casedesk.customers.models import DEFAULT_TIME_ZONE, Customer, QuotaEntry, Subscription
from casedesk.customers.roles import is_manager
from casedesk.lib import clock

from .contact_forms import contact_forms
from .contact_requests import requests_of
from .decorators import agent_required
from .queue_page import queue_context

PAGE_SIZE = 50
RECENT_CASES = 20
RECENT_REQUESTS = 20


@agent_required
def queue(request: HttpRequest) -> HttpResponse:
    return render(request, "console/queue.html", queue_context(request))


@agent_required
def customer_list(request: HttpRequest) -> HttpResponse:
    rows = Customer.objects.annotate(
        open_cases=Count("cases", filter=Q(cases__status__in=OPEN_STATUSES), distinct=True),
        active_contacts=Count("contacts", filter=Q(contacts__is_active=True), distinct=True),
    ).order_by("name")
    return render(request, "console/customers.html", {"customers": rows})


@agent_required
def customer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return customer_page(request, get_object_or_404(Customer, slug=slug))


def customer_page(
    request: HttpRequest, customer: Customer, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """The customer page; `forms` holds a refused contact form bound to what was typed."""
    now = clock.now()
    contacts = list(customer.contacts.order_by("-is_active", "name"))
    subscriptions = [
        _subscription(sub, now)
        for sub in customer.subscriptions.select_related("terms_version").order_by("-starts_on")
    ]
    context = {
        "customer": customer,
        # Times in the vendor's calendar zone, as the terms count them.
        "tz": subscriptions[0]["sub"].terms.calendar.timezone
        if subscriptions
        else DEFAULT_TIME_ZONE,
        "subscriptions": subscriptions,
        "contacts": contacts,
        "contact_requests": requests_of(customer)[:RECENT_REQUESTS],
        "can_decide": is_manager(request.user),
        "cases": customer.cases.select_related("assignee").order_by("-received_at")[:RECENT_CASES],
        **contact_forms(contacts, forms or {}),
    }
    return render(request, "console/customer.html", context, status=status)


def _subscription(sub: Subscription, now: dt.datetime) -> dict[str, Any]:
    quota = customers.quota_status(sub, now) if sub.level_terms.quota is not None else None
    return {
        "sub": sub,
        "description_history": customers.description_history(sub),
        "state": sub.status_on(sub.local_date(now)),
        "level": sub.level_terms,
        "contacts": customers.contact_limit_text(sub),
        "quota": quota,
        "ledger": QuotaEntry.objects.filter(subscription=sub)
        .select_related("actor")
        .order_by("-at", "-id"),
    }


@agent_required
def file_download(request: HttpRequest, pk: int) -> FileResponse:
    visible = cases.cases_visible_to(request.user)
    attachment = Attachment.objects.filter(pk=pk, case__in=visible).first()
    if attachment is None:
        raise Http404("No such file.")
    return downloads.file_response(attachment)
