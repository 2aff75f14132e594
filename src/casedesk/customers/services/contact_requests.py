"""Contact requests (issue 17): a designated contact asks, in the portal, to transfer their role
to a colleague or to add one; a support manager approves or declines in the console.

The terms ask the customer to notify the vendor when contact responsibilities are transferred;
the vendor keeps the contact limit. So a request is only a request: approving it runs the same
contact services as the admin (transfer_contact, add_contact, their limit checks and history),
creates the new person's login and mails its sign-in link. Both sides get mail at each step.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from casedesk.mail import outbox

from ..models import ContactRequest, SupportContact
from ..roles import MANAGERS
from .contacts import (
    add_contact,
    check_contact_fields,
    check_email_free,
    contact_limit_refusal,
    local_date,
    transfer_contact,
)
from .errors import EntitlementError, require_manager
from .logins import new_login, send_invitation

Kind = ContactRequest.Kind
Status = ContactRequest.Status


def add_refusal(contact: SupportContact, at: dt.datetime) -> str | None:
    """Why a request to add a colleague would be declined now (None: within the limit).

    A transfer keeps the number of active contacts, so only an addition meets the limit."""
    return contact_limit_refusal(contact.customer, local_date(contact.customer, at))


def _manager_addresses() -> list[str]:
    users = (
        get_user_model()
        ._default_manager.filter(groups__name=MANAGERS, is_active=True)
        .exclude(email="")
    )
    return sorted({u.email for u in users})


def _mail(to: list[str], subject: str, body: str, at: dt.datetime, kind: str) -> None:
    if to:
        outbox.enqueue(to=to, subject=subject, body=body, kind=kind, now=at)


def _what(req: ContactRequest) -> str:
    if req.kind == Kind.TRANSFER:
        return f"transfer {req.requested_by.name}'s contact role to {req.name} <{req.email}>"
    return f"add {req.name} <{req.email}> as a support contact"


def ask(
    contact: SupportContact, *, kind: str, name: str, email: str, at: dt.datetime, note: str = ""
) -> ContactRequest:
    """Record a contact's request and mail both sides; refused at once when it cannot succeed."""
    if not contact.is_active:
        raise EntitlementError("Only active designated contacts can ask for contact changes.")
    if kind not in Kind.values:
        raise EntitlementError('Choose "transfer my role" or "add a colleague".')
    email = check_contact_fields(name=name, email=email, time_zone=contact.time_zone)
    customer = contact.customer
    check_email_free(customer, email)
    if kind == Kind.ADD:
        refusal = add_refusal(contact, at)
        if refusal:
            raise EntitlementError(f"{refusal}; ask to transfer a role instead.")
    if customer.contact_requests.filter(status=Status.PENDING, email=email).exists():
        raise EntitlementError(f"A request for {email} is already waiting for a support manager.")
    with transaction.atomic():
        req = ContactRequest.objects.create(
            customer=customer,
            kind=kind,
            requested_by=contact,
            name=name.strip(),
            email=email,
            note=note.strip(),
            requested_at=at,
        )
        what = _what(req)
        _mail(
            [contact.email],
            f"Your request to {what} was received",
            f"Hello {contact.name},\n\nWe received your request to {what}.\n"
            "A support manager will approve or decline it; you will get a mail either way.\n",
            at,
            "contact-request",
        )
        _mail(
            _manager_addresses(),
            f"Contact request from {customer.name}: {what}",
            f"{contact.name} <{contact.email}> of {customer.name} asks to {what}.\n"
            f"Note: {req.note or '(none)'}\n\nApprove or decline it on the customer's page "
            "in the console.\n",
            at,
            "contact-request",
        )
    return req


def _pending(req: ContactRequest) -> ContactRequest:
    locked = ContactRequest.objects.select_for_update().get(pk=req.pk)
    if locked.status != Status.PENDING:
        raise EntitlementError(
            f"This request was already {locked.status} on {locked.decided_at:%Y-%m-%d}."
        )
    return locked


def approve(actor: Any, req: ContactRequest, at: dt.datetime) -> SupportContact:
    """Run the request through the contact services; the new contact gets a sign-in link."""
    require_manager(actor, "approve contact requests")
    with transaction.atomic():
        req = _pending(req)
        user = new_login(req.email)
        asker = req.requested_by
        if req.kind == Kind.TRANSFER:
            new = transfer_contact(actor, asker, name=req.name, email=req.email, at=at, user=user)
        else:
            new = add_contact(
                actor,
                req.customer,
                name=req.name,
                email=req.email,
                time_zone=asker.time_zone,
                at=at,
                user=user,
            )
        req.status, req.decided_by, req.decided_at, req.new_contact = (
            Status.APPROVED,
            actor,
            at,
            new,
        )
        req.save(update_fields=["status", "decided_by", "decided_at", "new_contact"])
        send_invitation(user, to=new.email)
        _mail(
            [asker.email],
            f"Approved: {_what(req)}",
            f"Hello {asker.name},\n\nA support manager approved your request to {_what(req)}.\n"
            f"{req.name} gets a mail with a link to choose a password and sign in.\n"
            + ("Your own contact role has ended.\n" if req.kind == Kind.TRANSFER else ""),
            at,
            "contact-request",
        )
    return new


def decline(actor: Any, req: ContactRequest, at: dt.datetime, reason: str) -> ContactRequest:
    """Close the request without change; the asker is told why."""
    require_manager(actor, "decline contact requests")
    if not reason.strip():
        raise EntitlementError("Say why the request is declined; the contact reads it.")
    with transaction.atomic():
        req = _pending(req)
        req.status, req.decided_by, req.decided_at, req.decision_reason = (
            Status.DECLINED,
            actor,
            at,
            reason.strip(),
        )
        req.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        asker = req.requested_by
        _mail(
            [asker.email],
            f"Declined: {_what(req)}",
            f"Hello {asker.name},\n\nA support manager declined your request to {_what(req)}.\n"
            f"Reason: {req.decision_reason}\n",
            at,
            "contact-request",
        )
    return req
