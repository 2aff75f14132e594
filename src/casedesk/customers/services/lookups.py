"""The two reads mail intake makes for every message (who wrote, under which subscription),
each one hand-written SELECT.

Why not the ORM: compiling these two querysets cost about 0.7 ms of CPU each per message, a
large share of intake's budget, while the queries themselves are trivial. The SQL is built
once per database vendor from the models' `_meta` (table and column names, quoted by the
backend), and rows become instances through the public constructor; the tests compare them
field by field with what the ORM returns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.db.models import DEFERRED
from django.utils.dateparse import parse_datetime

from ..models import Customer, Subscription, SupportContact, TermsVersion

Reader = Callable[[Any], Any]


def _sqlite_datetime(value: Any) -> dt.datetime | None:
    # Django stores aware datetimes in SQLite as naive UTC (text, or a naive datetime when
    # the driver parses the declared type).
    parsed = parse_datetime(value) if isinstance(value, str) else value
    if parsed is None or parsed.tzinfo is not None or not settings.USE_TZ:
        return parsed
    return parsed.replace(tzinfo=dt.UTC)


def _readers(fields: Sequence[models.Field[Any, Any]]) -> list[Reader | None]:
    """How to turn each raw column into the value the ORM gives (None: as it comes).

    PostgreSQL's driver already returns Python dates, datetimes and booleans; SQLite returns
    text and integers, converted here with public means (only the field types these models
    have: a new one fails loudly rather than reading wrong).
    """
    if connection.vendor != "sqlite":
        return [None] * len(fields)
    readers: list[Reader | None] = []
    for f in fields:
        if isinstance(f, models.DateTimeField):  # before DateField: it is a subclass
            readers.append(_sqlite_datetime)
        elif isinstance(f, models.DateField | models.BooleanField):
            readers.append(f.to_python)
        elif isinstance(f, models.CharField | models.TextField | models.IntegerField):
            readers.append(None)  # also the auto primary keys (IntegerField subclasses)
        elif isinstance(f, models.ForeignKey):
            readers.append(None)
        else:
            raise TypeError(f"lookups: no SQLite reader for {f!r}")
    return readers


class _Select:
    """One SELECT of whole model rows (some joined), with its column readers, per vendor."""

    def __init__(self, build: Callable[[Callable[[str], str]], tuple[str, list[Any]]]) -> None:
        self.build = build
        self.built: dict[str, tuple[str, list[Reader | None]]] = {}

    def rows(self, params: Sequence[Any]) -> list[list[Any]]:
        vendor = connection.vendor
        if vendor not in self.built:
            sql, fields = self.build(connection.ops.quote_name)
            self.built[vendor] = sql, _readers(fields)
        sql, readers = self.built[vendor]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            raw = cursor.fetchall()
        return [
            [v if r is None else r(v) for v, r in zip(row, readers, strict=True)] for row in raw
        ]


def _columns(q: Callable[[str], str], model: type[models.Model], fields: Sequence[Any]) -> str:
    table = q(model._meta.db_table)
    return ", ".join(f"{table}.{q(f.column)}" for f in fields)


def _attnames(fields: Sequence[Any]) -> list[str]:
    return [f.attname for f in fields]


CONTACT_FIELDS = list(SupportContact._meta.concrete_fields)
CUSTOMER_FIELDS = list(Customer._meta.concrete_fields)
SUBSCRIPTION_FIELDS = list(Subscription._meta.concrete_fields)
# The terms text is only read to parse a version the process has not seen: not per message.
TERMS_FIELDS = [f for f in TermsVersion._meta.concrete_fields if f.attname != "text"]


def _col(q: Callable[[str], str], model: type[models.Model], name: str) -> str:
    """`"table"."column"` of a concrete field ("pk": the primary key)."""
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.column is None:
        raise TypeError(f"lookups: {model.__name__}.{name} is not a column")
    return f"{q(model._meta.db_table)}.{q(field.column)}"


def _contacts_sql(q: Callable[[str], str]) -> tuple[str, list[Any]]:
    email = _col(q, SupportContact, "email")
    # The same case-insensitive match as the ORM's `email__iexact` on each backend.
    if connection.vendor == "postgresql":
        match = f"UPPER({email}::text) = UPPER(%s)"
    else:
        match = f"{email} LIKE %s ESCAPE '\\'"
    # Names from the models' _meta, quoted by the backend; the address is a parameter.
    sql = (
        f"SELECT {_columns(q, SupportContact, CONTACT_FIELDS)}, "  # noqa: S608
        f"{_columns(q, Customer, CUSTOMER_FIELDS)} "
        f"FROM {q(SupportContact._meta.db_table)} INNER JOIN {q(Customer._meta.db_table)} "
        f"ON {_col(q, SupportContact, 'customer')} = {_col(q, Customer, 'pk')} "
        f"WHERE {match} AND {_col(q, SupportContact, 'is_active')} "
        f"ORDER BY {_col(q, SupportContact, 'pk')}"
    )
    return sql, CONTACT_FIELDS + CUSTOMER_FIELDS


def _subscriptions_sql(q: Callable[[str], str]) -> tuple[str, list[Any]]:
    # Names from the models' _meta, quoted by the backend; the customer is a parameter.
    sql = (
        f"SELECT {_columns(q, Subscription, SUBSCRIPTION_FIELDS)}, "  # noqa: S608
        f"{_columns(q, TermsVersion, TERMS_FIELDS)} "
        f"FROM {q(Subscription._meta.db_table)} INNER JOIN {q(TermsVersion._meta.db_table)} "
        f"ON {_col(q, Subscription, 'terms_version')} = {_col(q, TermsVersion, 'pk')} "
        f"WHERE {_col(q, Subscription, 'customer')} = %s "
        f"ORDER BY {_col(q, Subscription, 'starts_on')} DESC, "
        f"{_col(q, Subscription, 'pk')} DESC"
    )
    return sql, SUBSCRIPTION_FIELDS + TERMS_FIELDS


_CONTACTS = _Select(_contacts_sql)
_SUBSCRIPTIONS = _Select(_subscriptions_sql)


def _like_literal(value: str) -> str:
    # SQLite's LIKE: escape the wildcards so that only the whole address matches.
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def active_contacts_by_email(address: str) -> list[SupportContact]:
    """Active contacts with this address, any letter case, oldest first (one address may be a
    contact of several customers: a consultant), each with its customer."""
    param = address if connection.vendor == "postgresql" else _like_literal(address)
    split, names, customer_names = (
        len(CONTACT_FIELDS),
        _attnames(CONTACT_FIELDS),
        _attnames(CUSTOMER_FIELDS),
    )
    found = []
    for row in _CONTACTS.rows([param]):
        contact = SupportContact(**dict(zip(names, row[:split], strict=True)))
        contact.customer = Customer(**dict(zip(customer_names, row[split:], strict=True)))
        found.append(contact)
    return found


def subscriptions_of(customer: Customer) -> list[Subscription]:
    """All of a customer's subscriptions, latest start first, each with its terms version
    (its text deferred: loaded only if asked for) and `customer` set to this instance."""
    split, names, terms_names = (
        len(SUBSCRIPTION_FIELDS),
        _attnames(SUBSCRIPTION_FIELDS),
        _attnames(TERMS_FIELDS),
    )
    found = []
    for row in _SUBSCRIPTIONS.rows([customer.pk]):
        subscription = Subscription(**dict(zip(names, row[:split], strict=True)))
        terms = dict(zip(terms_names, row[split:], strict=True))
        # DEFERRED (public, django.db.models): the text is loaded only if asked for.
        subscription.terms_version = TermsVersion(**terms, text=DEFERRED)  # type: ignore[misc]
        subscription.customer = customer
        found.append(subscription)
    return found
