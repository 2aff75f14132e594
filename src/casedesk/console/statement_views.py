"""The yearly support statement in the console (issue 17): engineers and managers view any
customer's; only managers mail it to the customer's contacts."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from casedesk.customers import services as customers
from casedesk.customers.models import DEFAULT_TIME_ZONE, Customer
from casedesk.customers.roles import is_manager
from casedesk.lib import clock
from casedesk.reports import queries as q
from casedesk.reports.statement import build_statement, pick_year, statement_years
from casedesk.reports.statement.page import statement_context, statement_mail

from .decorators import agent_required, manager_required


def _zone() -> str:
    # Times in the terms' zone, as engineers read every deadline.
    return q.terms_index().tz or DEFAULT_TIME_ZONE


@agent_required
def statement(request: HttpRequest, slug: str) -> HttpResponse:
    customer = get_object_or_404(Customer, slug=slug)
    context = statement_context(customer, request.GET.get("year", ""), clock.now(), _zone())
    context["can_mail"] = is_manager(request.user)
    context["recipients"] = customers.statement_recipients(customer)
    return render(request, "console/statement.html", context)


@require_POST
@manager_required
def mail_statement(request: HttpRequest, slug: str) -> HttpResponse:
    customer = get_object_or_404(Customer, slug=slug)
    now, back = clock.now(), reverse("console:statement", args=[slug])
    year = pick_year(statement_years(customer, now), request.POST.get("year", ""))
    if year is None:
        messages.error(request, "There is no such subscription year: pick one from the list.")
        return redirect(back)
    subject, body = statement_mail(build_statement(customer, year, now, _zone()))
    try:
        sent = customers.mail_statement(request.user, customer, subject=subject, body=body, at=now)
    except customers.EntitlementError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"Statement queued for {', '.join(sent)}.")
    return redirect(f"{back}?{urlencode({'year': year.key})}")
