"""Followers in the portal (issue 18): the reporter adds colleagues of their own organisation,
and any colleague may follow or stop following a case themselves."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from casedesk.cases import services as cs
from casedesk.customers.models import SupportContact
from casedesk.desk.services import followers

from . import views


@require_POST
@views.contact_required
def followers_view(request: HttpRequest, ref: str) -> HttpResponse:
    case = views.case_for(request, ref)
    contact: SupportContact = request.contact  # type: ignore[attr-defined]
    email = request.POST.get("email", "").strip() or contact.email
    try:
        if request.POST.get("remove"):
            followers.remove_follower(contact, case, email)
            done = f"{email} no longer gets this case's updates."
        else:
            added = followers.add_follower(contact, case, email)
            done = f"{added.contact.name} now gets this case's updates by mail."
    except cs.CaseError as exc:
        context = views.case_context(request, case)
        context.update(follower_error=exc.message, follower_email=email)
        return render(request, "portal/case_detail.html", context, status=400)
    messages.success(request, done)
    return redirect(f"/portal/cases/{case.tracking_number}/#followers")
