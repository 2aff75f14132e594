"""The two reads mail intake makes for every message (who wrote, under which subscription),
each one hand-written SELECT: the ORM's query compilation cost more than the queries themselves
(bench/intake_accept.py). Same results as the ORM queries they replace; tests compare the two."""

from __future__ import annotations

from django.db import connections, router

from casedesk.lib.rows import Columns, Join

from ..models import Customer, Subscription, SupportContact, TermsVersion

_CONTACTS = Join(
    Columns(SupportContact, "c"),
    Columns(Customer, "cu"),
    on="cu.id = c.customer_id",
    where="UPPER(c.email) = UPPER(%s) AND c.is_active",
    order="c.id",
)
_SUBSCRIPTIONS = Join(
    Columns(Subscription, "s"),
    # The terms text is only read to parse a version the process has not seen: not per message.
    Columns(TermsVersion, "t", fields=["id", "version", "created_at"]),
    on="t.id = s.terms_version_id",
    where="s.customer_id = %s",
    order="s.starts_on DESC, s.id DESC",
)


def active_contacts_by_email(address: str) -> list[SupportContact]:
    """Active contacts with this address, any letter case, oldest first (one address may be a
    contact of several customers: a consultant), each with its customer."""
    connection = connections[router.db_for_read(SupportContact)]
    contacts = []
    for contact, customer in _CONTACTS.pairs(connection, [address]):
        SupportContact.customer.field.set_cached_value(contact, customer)
        contacts.append(contact)
    return contacts  # type: ignore[return-value]  # Join.pairs() yields Model rows of these models


def subscriptions_of(customer: Customer) -> list[Subscription]:
    """All of a customer's subscriptions, latest start first, each with its terms version."""
    connection = connections[router.db_for_read(Subscription)]
    subscriptions = []
    for subscription, terms_version in _SUBSCRIPTIONS.pairs(connection, [customer.pk]):
        Subscription.customer.field.set_cached_value(subscription, customer)
        Subscription.terms_version.field.set_cached_value(subscription, terms_version)
        subscriptions.append(subscription)
    return subscriptions  # type: ignore[return-value]  # Join.pairs() yields Model rows of these models
