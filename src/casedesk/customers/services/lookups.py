"""The two reads mail intake makes for every message (who wrote, under which subscription),
each one hand-written SELECT: the ORM's query compilation cost more than the queries themselves
(bench/mail_intake.py). Same results as the ORM queries they replace; tests compare the two."""

from __future__ import annotations

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper

from casedesk.lib.rows import Columns

from ..models import Customer, Subscription, SupportContact, TermsVersion

_CONTACT = Columns(SupportContact, "c")
_CUSTOMER = Columns(Customer, "cu")
_SUBSCRIPTION = Columns(Subscription, "s")
# The terms text is only read to parse a version the process has not seen: not per message.
_TERMS = Columns(TermsVersion, "t", fields=["id", "version", "created_at"])


def active_contacts_by_email(address: str) -> list[SupportContact]:
    """Active contacts with this address, any letter case, oldest first (one address may be a
    contact of several customers: a consultant), each with its customer."""
    connection = connections[router.db_for_read(SupportContact)]
    with connection.cursor() as cursor:
        cursor.execute(_contacts_sql(connection), [address])
        rows = cursor.fetchall()
    split = len(_CONTACT)
    contacts = []
    for row in rows:
        contact = _CONTACT.load(connection, row[:split])
        SupportContact.customer.field.set_cached_value(
            contact, _CUSTOMER.load(connection, row[split:])
        )
        contacts.append(contact)
    return contacts


def subscriptions_of(customer: Customer) -> list[Subscription]:
    """All of a customer's subscriptions, latest start first, each with its terms version."""
    connection = connections[router.db_for_read(Subscription)]
    with connection.cursor() as cursor:
        cursor.execute(_subscriptions_sql(connection), [customer.pk])
        rows = cursor.fetchall()
    split = len(_SUBSCRIPTION)
    subscriptions = []
    for row in rows:
        subscription = _SUBSCRIPTION.load(connection, row[:split])
        Subscription.customer.field.set_cached_value(subscription, customer)
        terms = _TERMS.load(connection, row[split:])
        Subscription.terms_version.field.set_cached_value(subscription, terms)
        subscriptions.append(subscription)
    return subscriptions


_SQL: dict[tuple[str, str], str] = {}


def _contacts_sql(connection: BaseDatabaseWrapper) -> str:
    key = ("contacts", connection.vendor)
    if key not in _SQL:
        q = connection.ops.quote_name
        c, cu = q("c"), q("cu")
        # Identifiers come from the models' metadata; the one value is a bound parameter.
        _SQL[key] = (
            f"SELECT {_CONTACT.sql(connection)}, {_CUSTOMER.sql(connection)} "  # noqa: S608
            f"FROM {_CONTACT.table(connection)} JOIN {_CUSTOMER.table(connection)} "
            f"ON {cu}.{q('id')} = {c}.{q('customer_id')} "
            f"WHERE UPPER({c}.{q('email')}) = UPPER(%s) AND {c}.{q('is_active')} "
            f"ORDER BY {c}.{q('id')}"
        )
    return _SQL[key]


def _subscriptions_sql(connection: BaseDatabaseWrapper) -> str:
    key = ("subscriptions", connection.vendor)
    if key not in _SQL:
        q = connection.ops.quote_name
        s, t = q("s"), q("t")
        _SQL[key] = (
            f"SELECT {_SUBSCRIPTION.sql(connection)}, {_TERMS.sql(connection)} "  # noqa: S608
            f"FROM {_SUBSCRIPTION.table(connection)} JOIN {_TERMS.table(connection)} "
            f"ON {t}.{q('id')} = {s}.{q('terms_version_id')} WHERE {s}.{q('customer_id')} = %s "
            f"ORDER BY {s}.{q('starts_on')} DESC, {s}.{q('id')} DESC"
        )
    return _SQL[key]
