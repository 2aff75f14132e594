"""Customers and contacts by name, slug or address: for engineers only (contacts get none)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from casedesk.customers.models import Customer, SupportContact
from casedesk.customers.roles import is_agent

LIMIT = 10


@dataclass(frozen=True)
class People:
    customers: list[Customer] = field(default_factory=list)
    contacts: list[SupportContact] = field(default_factory=list)


def search_people(user: object, text: str) -> People:
    """Up to LIMIT customers and LIMIT contacts whose name (or slug, or address) holds `text`."""
    text = (text or "").strip()[:200]
    if len(text) < 2 or not is_agent(user):
        return People()
    customers = Customer.objects.filter(Q(name__icontains=text) | Q(slug__icontains=text))
    contacts = SupportContact.objects.filter(
        Q(name__icontains=text) | Q(email__icontains=text)
    ).select_related("customer")
    return People(
        list(customers.order_by("name")[:LIMIT]),
        list(contacts.order_by("-is_active", "name")[:LIMIT]),
    )
