"""The yearly support statement in the portal (issue 17): a contact's own organisation only."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from casedesk.customers.models import SupportContact
from casedesk.lib import clock
from casedesk.reports.statement.page import statement_context

from .views import contact_required


@contact_required
def statement(request: HttpRequest) -> HttpResponse:
    """The organisation is the contact's: no parameter names another customer, so there is
    nothing to guess. Times in the contact's own zone."""
    contact: SupportContact = request.contact  # type: ignore[attr-defined]
    key = request.GET.get("year", "")
    context = statement_context(contact.customer, key, clock.now(), contact.time_zone)
    context["zone_is_yours"] = True
    return render(request, "portal/statement.html", context)
