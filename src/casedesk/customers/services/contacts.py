"""Designated support contacts: the contact limit by level and node tier, transfers, history.

The limit that applies to a customer is the highest limit among its subscriptions that have not
ended (current or signed for later), so a renewal or an added Premium subscription never lowers
it; "no limit" (None) beats any number. Contacts can be designated before a term starts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from casedesk.lib import tz

from ..models import (
    DEFAULT_TIME_ZONE,
    ContactEvent,
    Customer,
    Subscription,
    SupportContact,
    validate_time_zone,
)
from .accounts import check_nodes
from .errors import EntitlementError, require_manager
from .terms_versions import current_terms_version


def local_date(customer: Customer, at: dt.datetime) -> dt.date:
    """`at` as a date in the calendar zone of the customer's latest terms."""
    sub = customer.subscriptions.select_related("terms_version").order_by("-ends_on").first()
    terms_version = sub.terms_version if sub else current_terms_version()
    return tz.local_date(at, terms_version.terms.calendar.timezone)


def limit_setting_subscription(
    customer: Customer, on: dt.date
) -> tuple[Subscription | None, int | None]:
    """The subscription whose level sets the customer's contact limit on `on`, and that limit."""
    best: tuple[Subscription | None, int | None] = (None, 0)
    subs = customer.subscriptions.select_related("terms_version").filter(ends_on__gte=on)
    for sub in subs.order_by("-starts_on", "-id"):
        limit = sub.level_terms.contact_limit(sub.nodes)
        if limit is None:
            return sub, None
        if best[0] is None or limit > (best[1] or 0):
            best = (sub, limit)
    return best


def _contacts(n: int) -> str:
    return "1 is active" if n == 1 else f"{n} are active"


def contact_limit_refusal(customer: Customer, on: dt.date, active: int | None = None) -> str | None:
    """Why one more active contact is refused on `on` (None: allowed).

    `active` overrides the current count (the admin checks a whole formset at once).
    """
    sub, limit = limit_setting_subscription(customer, on)
    if sub is None:
        return (
            f"{customer.name} has no current subscription; add one before designating "
            "support contacts."
        )
    if limit is None:
        return None
    if active is None:
        active = customer.contacts.filter(is_active=True).count()
    if active < limit:
        return None
    excess = active - limit + 1
    how_many = "one" if excess == 1 else str(excess)
    return (
        f"{sub.level_name}, {sub.nodes} nodes: at most {limit} active contacts; "
        f"{_contacts(active)} — deactivate {how_many} first"
    )


def contact_limit_status(
    subscription: Subscription, active: int | None = None
) -> tuple[int, int | None, bool]:
    """(active contacts of the customer, this subscription's limit, over the limit?).

    `active`: the count when the caller has it (a list page counts in its own query).
    """
    if active is None:
        active = subscription.customer.contacts.filter(is_active=True).count()
    limit = subscription.level_terms.contact_limit(subscription.nodes)
    return active, limit, limit is not None and active > limit


def contact_limit_text(subscription: Subscription, active: int | None = None) -> str:
    active, limit, over = contact_limit_status(subscription, active)
    if limit is None:
        return f"{_contacts(active)}; {subscription.level_name} has no contact limit"
    text = f"{active} of {limit} active contacts ({subscription.level_name}, {subscription.nodes} nodes)"
    if over:
        return f"{text} — over the contact limit: deactivate {active - limit} to resolve it"
    return text


def check_contact_fields(*, name: str, email: str, time_zone: str) -> str:
    """Validate a contact's details; return the normalised e-mail address."""
    if not name.strip():
        raise EntitlementError("A support contact needs a name.")
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise EntitlementError(f'"{email}" is not an e-mail address.') from None
    try:
        validate_time_zone(time_zone)
    except ValidationError as exc:
        raise EntitlementError(f"{exc.messages[0]}.") from None
    return email


def check_email_free(customer: Customer, email: str, exclude: int | None = None) -> None:
    taken = customer.contacts.filter(is_active=True, email=email).exclude(pk=exclude).first()  # type: ignore[misc]  # pk=None excludes nothing
    if taken:
        raise EntitlementError(
            f"{email} is already an active support contact of {customer.name} ({taken.name})."
        )


def check_user_free(user: Any, exclude: int | None = None) -> None:
    if user is None:
        return
    other = SupportContact.objects.filter(user=user).exclude(pk=exclude).first()  # type: ignore[misc]  # pk=None excludes nothing
    if other:
        raise EntitlementError(
            f"The login {user.get_username()} already belongs to {other.name}, a contact of "
            f"{other.customer.name}; each login is one designated person."
        )


def check_can_designate(
    customer: Customer,
    email: str,
    user: Any,
    at: dt.datetime,
    *,
    exclude: int | None = None,
    activating: bool = True,
) -> None:
    """add_contact's checks for one more active contact: the address and the login are free
    and, when `activating` (not already active), the contact limit allows one more."""
    check_email_free(customer, email, exclude=exclude)
    check_user_free(user, exclude=exclude)
    if activating:
        refusal = contact_limit_refusal(customer, local_date(customer, at))
        if refusal:
            raise EntitlementError(refusal)


def _lock(customer: Customer) -> Customer:
    # Serialises contact changes per customer on PostgreSQL; SQLite's IMMEDIATE transactions
    # already serialise every writer.
    return Customer.objects.select_for_update().get(pk=customer.pk)


def _create(
    actor: Any, customer: Customer, at: dt.datetime, reason: str, **fields: Any
) -> SupportContact:
    try:
        with transaction.atomic():
            contact = SupportContact.objects.create(
                customer=customer, added_at=at, added_by=actor, is_active=True, **fields
            )
    except IntegrityError:
        raise EntitlementError(
            f"{fields['email']} is already an active support contact of {customer.name}."
        ) from None
    ContactEvent.objects.create(
        contact=contact, kind=ContactEvent.Kind.ADDED, actor=actor, at=at, reason=reason
    )
    return contact


def add_contact(
    actor: Any,
    customer: Customer,
    *,
    name: str,
    email: str,
    time_zone: str = DEFAULT_TIME_ZONE,
    at: dt.datetime,
    user: Any = None,
) -> SupportContact:
    """Designate a new active contact, within the contact limit."""
    require_manager(actor, "designate support contacts")
    email = check_contact_fields(name=name, email=email, time_zone=time_zone)
    with transaction.atomic():
        customer = _lock(customer)
        check_can_designate(customer, email, user, at)
        return _create(
            actor,
            customer,
            at,
            "",
            name=name.strip(),
            email=email,
            time_zone=time_zone,
            user=user,
        )


def deactivate_contact(
    actor: Any, contact: SupportContact, at: dt.datetime, reason: str = ""
) -> SupportContact:
    """Stop a contact from opening cases; the record and its history stay."""
    require_manager(actor, "deactivate support contacts")
    with transaction.atomic():
        # A conditional update: of two concurrent deactivations exactly one wins.
        updated = SupportContact.objects.filter(pk=contact.pk, is_active=True).update(
            is_active=False,
            deactivated_at=at,
            deactivated_by=actor,
            deactivation_reason=reason.strip(),
        )
        if updated != 1:
            contact.refresh_from_db()
            raise EntitlementError(
                f"{contact.name} is already inactive (since {contact.deactivated_at:%Y-%m-%d})."
            )
        ContactEvent.objects.create(
            contact=contact,
            kind=ContactEvent.Kind.DEACTIVATED,
            actor=actor,
            at=at,
            reason=reason.strip(),
        )
    contact.refresh_from_db()
    return contact


def reactivate_contact(
    actor: Any, contact: SupportContact, at: dt.datetime, reason: str = ""
) -> SupportContact:
    """Make an inactive contact active again, within the contact limit."""
    require_manager(actor, "reactivate support contacts")
    with transaction.atomic():
        customer = _lock(contact.customer)
        contact.refresh_from_db()
        if contact.is_active:
            raise EntitlementError(f"{contact.name} is already an active support contact.")
        check_email_free(customer, contact.email, exclude=contact.pk)
        refusal = contact_limit_refusal(customer, local_date(customer, at))
        if refusal:
            raise EntitlementError(refusal)
        contact.is_active = True
        contact.deactivated_at = contact.deactivated_by = None
        contact.deactivation_reason = ""
        contact.save(
            update_fields=["is_active", "deactivated_at", "deactivated_by", "deactivation_reason"]
        )
        ContactEvent.objects.create(
            contact=contact,
            kind=ContactEvent.Kind.REACTIVATED,
            actor=actor,
            at=at,
            reason=reason.strip(),
        )
    return contact


def transfer_contact(
    actor: Any,
    old_contact: SupportContact,
    *,
    name: str,
    email: str,
    at: dt.datetime,
    time_zone: str | None = None,
    user: Any = None,
) -> SupportContact:
    """Hand an active contact's role to another person in one transaction, keeping history.

    The number of active contacts does not change, so a transfer is allowed even while the
    customer is over its contact limit (it resolves nothing and worsens nothing).
    """
    require_manager(actor, "transfer support contacts")
    time_zone = time_zone or old_contact.time_zone
    email = check_contact_fields(name=name, email=email, time_zone=time_zone)
    with transaction.atomic():
        customer = _lock(old_contact.customer)
        old_contact.refresh_from_db()
        if not old_contact.is_active:
            raise EntitlementError(
                f"{old_contact.name} is not an active contact, so there is nothing to transfer; "
                "add the new contact instead."
            )
        check_email_free(customer, email, exclude=old_contact.pk)
        check_user_free(user)
        deactivate_contact(
            actor, old_contact, at, reason=f"transferred to {name.strip()} <{email}>"
        )
        new = _create(
            actor,
            customer,
            at,
            f"transfer from {old_contact.name} <{old_contact.email}>",
            name=name.strip(),
            email=email,
            time_zone=time_zone,
            user=user,
            replaces=old_contact,
        )
    old_contact.refresh_from_db()
    return new


def update_contact(
    actor: Any, contact: SupportContact, *, name: str, email: str, time_zone: str, user: Any = None
) -> SupportContact:
    """Correct a contact's details (a different person is a transfer, not an edit)."""
    require_manager(actor, "change support contacts")
    email = check_contact_fields(name=name, email=email, time_zone=time_zone)
    with transaction.atomic():
        _lock(contact.customer)
        if contact.is_active:
            check_email_free(contact.customer, email, exclude=contact.pk)
        check_user_free(user, exclude=contact.pk)
        contact.name, contact.email, contact.time_zone, contact.user = (
            name.strip(),
            email,
            time_zone,
            user,
        )
        contact.save(update_fields=["name", "email", "time_zone", "user"])
    return contact


def set_nodes(actor: Any, subscription: Subscription, nodes: int) -> tuple[int, int | None, bool]:
    """Change the node count. Lowering it never removes a contact: the subscription is shown
    "over the contact limit" and additions are refused until enough are deactivated.
    Returns contact_limit_status() after the change."""
    require_manager(actor, "change node counts")
    check_nodes(nodes)
    subscription.nodes = nodes
    subscription.save(update_fields=["nodes"])
    return contact_limit_status(subscription)
