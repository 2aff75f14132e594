"""Engineers' decisions on held mail: attach it to a customer's contact, or discard it.

A held message is never deleted: discarding sets its status and keeps the engineer's reason.
Both decisions claim the message with a conditional UPDATE, so two engineers acting at once
cannot both attach it (or attach and discard it).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from casedesk.customers.models import SupportContact
from casedesk.customers.roles import is_agent
from casedesk.customers.services import add_contact
from casedesk.lib import clock, txfiles
from casedesk.mail import intake
from casedesk.mail.models import InboundMessage, InboundStatus

# What an engineer may still decide on: held senders and messages whose processing failed.
OPEN_STATUSES = (InboundStatus.HELD_UNVERIFIED, InboundStatus.FAILED)


class NoSuchMessage(Exception):
    """No held message for this person: unknown and forbidden look the same (views answer 404)."""


class DecisionError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def held_messages(status: str = InboundStatus.HELD_UNVERIFIED) -> QuerySet[InboundMessage]:
    return InboundMessage.objects.filter(status=status).order_by("received_at", "pk").defer("raw")


def access_inbound(user: Any, pk: int) -> InboundMessage:
    """The one permission-checked fetch: engineers only; others see the same 404 as no message."""
    if not is_agent(user):
        raise NoSuchMessage("No such message.")
    inbound = InboundMessage.objects.filter(pk=pk).first()
    if inbound is None:
        raise NoSuchMessage("No such message.")
    return inbound


class _ChosenContactDesk(intake.CaseServicesDesk):
    """The real desk, except that the sender is the contact an engineer chose."""

    decided_by_engineer = True

    def __init__(self, contact: SupportContact) -> None:
        self.contact = contact

    def contacts_for(self, address: str) -> list[SupportContact]:
        return [self.contact]


def attach(agent: Any, inbound: InboundMessage, contact: SupportContact) -> str:
    """Process the message as if `contact` had sent it; returns intake's answer."""
    if not is_agent(agent):
        raise NoSuchMessage("No such message.")
    if not contact.is_active:
        raise DecisionError(f"{contact.name} <{contact.email}> is not an active support contact.")
    # Settled after the commit: the files of a failed attempt (rolled back in a savepoint) go.
    with txfiles.settled(), transaction.atomic():
        _claim(inbound, InboundStatus.RECEIVED)
        inbound.refresh_from_db()
        reply = intake.retry(inbound, desk=_ChosenContactDesk(contact))
        InboundMessage.objects.filter(pk=inbound.pk).update(
            decided_by=agent,
            decision=f"Attached to {contact.customer.name}: {contact.name} <{contact.email}>.",
        )
    inbound.refresh_from_db()
    return reply


def add_sender_and_attach(agent: Any, inbound: InboundMessage, customer: Any, name: str) -> str:
    """A manager designates the sender as a new contact of `customer`, then attaches the mail."""
    if not inbound.from_address:
        raise DecisionError("The message has no sender address to add as a contact.")
    with txfiles.settled(), transaction.atomic():
        contact = add_contact(
            agent, customer, name=name, email=inbound.from_address, at=clock.now()
        )
        return attach(agent, inbound, contact)


def discard(agent: Any, inbound: InboundMessage, reason: str) -> None:
    if not is_agent(agent):
        raise NoSuchMessage("No such message.")
    if not reason.strip():
        raise DecisionError("Say why the message is discarded.")
    with transaction.atomic():
        _claim(inbound, InboundStatus.DISCARDED)
        InboundMessage.objects.filter(pk=inbound.pk).update(
            decided_by=agent, decision=reason.strip(), processed_at=clock.now()
        )
    inbound.refresh_from_db()


def _claim(inbound: InboundMessage, status: str) -> None:
    claimed = InboundMessage.objects.filter(pk=inbound.pk, status__in=OPEN_STATUSES).update(
        status=status
    )
    if claimed != 1:
        raise DecisionError("Someone else already decided on this message.")
