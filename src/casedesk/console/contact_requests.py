"""Contact requests in the console (issue 17): engineers see them, managers decide them."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from casedesk.customers import services as customers
from casedesk.customers.models import DEFAULT_TIME_ZONE, ContactRequest, Customer
from casedesk.customers.roles import is_manager
from casedesk.lib import clock
from casedesk.lib.prg import post_only

from .decorators import agent_required, manager_required

PAGE_SIZE = 50


def requests_of(customer: Customer) -> QuerySet[ContactRequest]:
    """A customer's requests, pending first, then newest first."""
    # "pending" sorts after "approved" and "declined": descending puts it first.
    return customer.contact_requests.select_related(
        "requested_by", "decided_by", "new_contact"
    ).order_by("-status", "-requested_at", "-id")


@agent_required
def request_list(request: HttpRequest) -> HttpResponse:
    """Every customer's pending requests, oldest first (the order to decide them in)."""
    pending = (
        ContactRequest.objects.filter(status=ContactRequest.Status.PENDING)
        .select_related("customer", "requested_by")
        .order_by("requested_at", "id")
    )
    page = Paginator(pending, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "can_decide": is_manager(request.user), "tz": DEFAULT_TIME_ZONE}
    return render(request, "console/contact_requests.html", context)


def _back(req: ContactRequest) -> HttpResponse:
    url = reverse("console:customer", args=[req.customer.slug])
    return redirect(f"{url}#contact-requests")


@post_only("console:contact_requests")
@manager_required
def approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(ContactRequest.objects.select_related("customer"), pk=pk)
    try:
        new = customers.approve_contact_request(request.user, req, clock.now())
    except customers.EntitlementError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"Approved: {new.name} is a contact; a sign-in link was mailed.")
    return _back(req)


@post_only("console:contact_requests")
@manager_required
def decline_view(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(ContactRequest.objects.select_related("customer"), pk=pk)
    reason = request.POST.get("reason", "")[:500]
    try:
        customers.decline_contact_request(request.user, req, clock.now(), reason)
    except customers.EntitlementError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"Declined; {req.requested_by.name} was told why.")
    return _back(req)
