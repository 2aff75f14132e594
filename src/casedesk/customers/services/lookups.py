"""The two reads mail intake makes for every message (who wrote, under which subscription),
each one query through the ORM."""

from __future__ import annotations

from ..models import Customer, Subscription, SupportContact


def active_contacts_by_email(address: str) -> list[SupportContact]:
    """Active contacts with this address, any letter case, oldest first (one address may be a
    contact of several customers: a consultant), each with its customer."""
    return list(
        SupportContact.objects.filter(email__iexact=address, is_active=True)
        .select_related("customer")
        .order_by("pk")
    )


def subscriptions_of(customer: Customer) -> list[Subscription]:
    """All of a customer's subscriptions, latest start first, each with its terms version."""
    # Through the reverse manager each subscription's `customer` is this instance (no query).
    # The terms text is only read to parse a version the process has not seen: not per message.
    return list(
        customer.subscriptions.select_related("terms_version")
        .defer("terms_version__text")
        .order_by("-starts_on", "-pk")
    )
