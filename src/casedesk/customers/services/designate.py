"""A support manager designates a contact in the console: the contact, its login and the mail
with a sign-in link in one step, through the same contact services as the admin uses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ..models import DEFAULT_TIME_ZONE, Customer, SupportContact
from .contacts import add_contact, check_contact_fields, transfer_contact
from .errors import require_manager
from .logins import new_login, send_invitation


def add_contact_with_login(
    actor: Any,
    customer: Customer,
    *,
    name: str,
    email: str,
    at: dt.datetime,
    time_zone: str = DEFAULT_TIME_ZONE,
) -> SupportContact:
    """A new active contact (within the limit) with a new login; the sign-in link is mailed."""
    require_manager(actor, "designate support contacts")
    # Checked before the login exists: a refused address leaves no stray login behind.
    email = check_contact_fields(name=name, email=email, time_zone=time_zone)
    with transaction.atomic():
        user = new_login(email)
        contact = add_contact(
            actor, customer, name=name, email=email, time_zone=time_zone, at=at, user=user
        )
        send_invitation(user, to=contact.email)
    return contact


def transfer_contact_with_login(
    actor: Any, old: SupportContact, *, name: str, email: str, at: dt.datetime
) -> SupportContact:
    """Hand `old`'s role to a new person with a new login; the sign-in link is mailed."""
    require_manager(actor, "transfer support contacts")
    email = check_contact_fields(name=name, email=email, time_zone=old.time_zone)
    with transaction.atomic():
        user = new_login(email)
        new = transfer_contact(actor, old, name=name, email=email, at=at, user=user)
        send_invitation(user, to=new.email)
    return new
