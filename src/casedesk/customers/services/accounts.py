"""Customers and subscriptions: creating them and changing a running subscription."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import IntegrityError, transaction

from casedesk.terms import TermsError

from ..models import Customer, Subscription, TermsVersion
from .errors import EntitlementError, require_manager
from .terms_versions import current_terms_version

_SLUG = re.compile(r"^[-a-z0-9_]+$")


def check_customer_fields(*, name: str, slug: str) -> None:
    if not name.strip():
        raise EntitlementError("A customer needs a name.")
    if not _SLUG.match(slug):
        raise EntitlementError(
            f'"{slug}" is not a usable short name: use lower-case letters, digits, - and _.'
        )


def check_slug_free(slug: str, exclude: int | None = None) -> None:
    others = Customer.objects.filter(slug=slug)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.exists():
        raise EntitlementError(f'A customer with the short name "{slug}" already exists.')


def create_customer(actor: Any, *, name: str, slug: str, at: dt.datetime) -> Customer:
    require_manager(actor, "add customers")
    name, slug = name.strip(), slug.strip()
    check_customer_fields(name=name, slug=slug)
    check_slug_free(slug)
    try:
        with transaction.atomic():
            return Customer.objects.create(name=name, slug=slug, created_at=at)
    except IntegrityError:
        raise EntitlementError(f'A customer with the short name "{slug}" already exists.') from None


def rename_customer(actor: Any, customer: Customer, *, name: str) -> Customer:
    require_manager(actor, "change customers")
    check_customer_fields(name=name, slug=customer.slug)
    customer.name = name.strip()
    customer.save(update_fields=["name"])
    return customer


def check_subscription_fields(
    terms_version: TermsVersion,
    *,
    level: str,
    nodes: int,
    starts_on: dt.date,
    ends_on: dt.date,
) -> None:
    """Raise EntitlementError naming the first field a manager must fix."""
    try:
        terms_version.terms.level(level)
    except TermsError as exc:
        raise EntitlementError(f"{exc.describe()}.") from None
    check_nodes(nodes)
    if ends_on < starts_on:
        raise EntitlementError(
            f"The term ends on {ends_on}, before it starts on {starts_on}; "
            "the end date is the last day of the term."
        )


# The column is a PositiveIntegerField: PostgreSQL's integer, the smallest a database gives it.
MAX_NODES = 2**31 - 1


def check_nodes(nodes: int) -> None:
    if isinstance(nodes, bool) or not isinstance(nodes, int) or nodes < 1:
        raise EntitlementError(f"A subscription covers at least 1 node; {nodes} was given.")
    if nodes > MAX_NODES:
        raise EntitlementError(
            f"A subscription covers at most {MAX_NODES} nodes; {nodes} was given."
        )


def create_subscription(
    actor: Any,
    customer: Customer,
    *,
    level: str,
    nodes: int,
    starts_on: dt.date,
    ends_on: dt.date,
    at: dt.datetime,
    project_description: str = "",
    terms_version: TermsVersion | None = None,
) -> Subscription:
    """A new subscription, signed under `terms_version` (the configured terms by default)."""
    require_manager(actor, "add subscriptions")
    terms_version = terms_version or current_terms_version()
    check_subscription_fields(
        terms_version, level=level, nodes=nodes, starts_on=starts_on, ends_on=ends_on
    )
    return Subscription.objects.create(
        customer=customer,
        level=level,
        nodes=nodes,
        starts_on=starts_on,
        ends_on=ends_on,
        terms_version=terms_version,
        project_description=project_description.strip(),
        created_at=at,
    )


def update_subscription(
    actor: Any,
    subscription: Subscription,
    *,
    level: str | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    project_description: str | None = None,
) -> Subscription:
    """Change a running subscription; its terms version never changes (sign a new one).

    The node count changes through set_nodes(), which explains the contact-limit effect.
    """
    require_manager(actor, "change subscriptions")
    new: dict[str, Any] = {
        "level": subscription.level if level is None else level,
        "starts_on": subscription.starts_on if starts_on is None else starts_on,
        "ends_on": subscription.ends_on if ends_on is None else ends_on,
    }
    check_subscription_fields(subscription.terms_version, nodes=subscription.nodes, **new)
    if project_description is not None:
        new["project_description"] = project_description.strip()
    changed = [f for f, v in new.items() if getattr(subscription, f) != v]
    for field in changed:
        setattr(subscription, field, new[field])
    if changed:
        subscription.save(update_fields=changed)
    return subscription


def set_project_description(actor: Any, subscription: Subscription, text: str) -> Subscription:
    return update_subscription(actor, subscription, project_description=text)
