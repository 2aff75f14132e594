"""Contacts on the console's customer page: a support manager adds a contact (login and sign-in
link in one step), deactivates one or hands a role to someone else. Engineers see, never act."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from casedesk.customers import services as customers
from casedesk.customers.models import Customer, SupportContact
from casedesk.lib import clock
from casedesk.lib.prg import post_only

from .contact_forms import AddContactForm, TransferForm
from .decorators import manager_required
from .views import customer_page


def _back(customer: Customer) -> HttpResponse:
    return redirect(reverse("console:customer", args=[customer.slug]) + "#contacts")


def _contact(customer: Customer, pk: int) -> SupportContact:
    return get_object_or_404(SupportContact, pk=pk, customer=customer)


def _designate(
    request: HttpRequest, form: Form, act: Callable[[dict[str, Any]], SupportContact]
) -> SupportContact | None:
    """Run `act` on the valid form; a refusal goes on the form, to be shown as typed."""
    if not form.is_valid():
        return None
    try:
        return act(form.cleaned_data)
    except customers.EntitlementError as e:
        form.add_error(None, e.message)
        return None


@post_only("console:customer", "slug")
@manager_required
def add_view(request: HttpRequest, slug: str) -> HttpResponse:
    customer = get_object_or_404(Customer, slug=slug)
    form = AddContactForm(request.POST, prefix="add")
    contact = _designate(
        request,
        form,
        lambda data: customers.add_contact_with_login(
            request.user, customer, at=clock.now(), **data
        ),
    )
    if contact is None:
        return customer_page(request, customer, {"add_form": form}, status=400)
    messages.success(request, f"{contact.name} is a contact; a sign-in link was mailed.")
    return _back(customer)


@post_only("console:customer", "slug")
@manager_required
def transfer_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer, slug=slug)
    old = _contact(customer, pk)
    form = TransferForm(request.POST, prefix=f"t{pk}")
    new = _designate(
        request,
        form,
        lambda data: customers.transfer_contact_with_login(
            request.user, old, at=clock.now(), **data
        ),
    )
    if new is None:
        return customer_page(request, customer, {"transfer_form": (pk, form)}, status=400)
    messages.success(request, f"{old.name}'s role went to {new.name}; a sign-in link was mailed.")
    return _back(customer)


@post_only("console:customer", "slug")
@manager_required
def deactivate_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer, slug=slug)
    contact = _contact(customer, pk)
    reason = request.POST.get("reason", "")[:500]
    try:
        customers.deactivate_contact(request.user, contact, clock.now(), reason)
    except customers.EntitlementError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"{contact.name} is deactivated; their cases stay as they are.")
    return _back(customer)
