"""What a contact asks of the vendor about their organisation (issue 17), through the API: a
contact transfer or addition (a support manager decides in the console) and the Project/
Application description (history kept). The customers services do the work and the checks;
another organisation's subscription is a 404, as in the portal."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from casedesk.cases import services as cs
from casedesk.customers import services as customers
from casedesk.customers.models import ContactRequest, Subscription, SupportContact
from casedesk.lib import clock

from .caller import ERRORS, require_contact
from .schemas import Text

router = Router(tags=["subscription"])
RECENT = 50


class ContactRequestIn(Schema):
    kind: Literal["transfer", "add"] = Field(
        description="transfer: hand your own contact role to a colleague; add: a new contact "
        "within the contact limit."
    )
    name: Text
    email: Text
    note: str = ""


class ContactRequestOut(Schema):
    id: int
    kind: str = Field(description="transfer or add.")
    status: str = Field(description="pending, approved or declined.")
    name: str
    email: str
    note: str
    requested_by: str = Field(description="The contact who asked.")
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decision_reason: str = Field(description="A support manager's reason, when declined.")

    @staticmethod
    def resolve_requested_by(obj: ContactRequest) -> str:
        return obj.requested_by.name


class DescriptionIn(Schema):
    text: str = Field(
        description=f"At least {customers.MIN_DESCRIPTION} characters: what the project or "
        "application does, which product versions, how many nodes and where they run."
    )


class DescriptionChangeOut(Schema):
    at: dt.datetime
    by: str
    old_text: str
    new_text: str


class DescriptionOut(Schema):
    subscription: int
    text: str
    history: list[DescriptionChangeOut] = Field(description="Every change, newest first.")


@router.get(
    "/contact-requests",
    response={200: list[ContactRequestOut], **ERRORS},
    summary="Your organisation's contact requests",
)
def list_contact_requests(request: HttpRequest) -> list[ContactRequest]:
    """The latest 50, newest first."""
    contact = require_contact(request, "read contact requests")
    reqs = contact.customer.contact_requests.select_related("requested_by")[:RECENT]
    return list(reqs)


@router.post(
    "/contact-requests",
    response={201: ContactRequestOut, **ERRORS},
    summary="Ask to transfer your role or add a colleague",
)
def ask_contact_change(request: HttpRequest, payload: ContactRequestIn) -> Status[Any]:
    """A support manager approves or declines; you get a mail either way. At the contact
    limit an addition is refused at once (a transfer still is possible)."""
    contact = require_contact(request, "ask for contact changes")
    try:
        req = customers.ask_contact_change(contact, at=clock.now(), **payload.dict())
    except customers.EntitlementError as e:
        raise cs.CaseError(e.message) from None
    return Status(201, req)


def _subscription(contact: SupportContact, pk: int) -> Subscription:
    # Another organisation's subscription is simply not there, as in the portal.
    sub = contact.customer.subscriptions.filter(pk=pk).first()
    if sub is None:
        raise Http404("No such subscription.")
    return sub


def _description_out(sub: Subscription) -> dict[str, Any]:
    history = [
        {"at": d.at, "by": d.actor_name, "old_text": d.old_text, "new_text": d.new_text}
        for d in customers.description_history(sub)
    ]
    return {"subscription": sub.pk, "text": sub.project_description, "history": history}


@router.get(
    "/subscriptions/{pk}/description",
    response={200: DescriptionOut, **ERRORS},
    summary="The Project/Application description and its history",
)
def get_description(request: HttpRequest, pk: int) -> dict[str, Any]:
    contact = require_contact(request, "read the Project/Application description")
    return _description_out(_subscription(contact, pk))


@router.post(
    "/subscriptions/{pk}/description",
    response={200: DescriptionOut, **ERRORS},
    summary="Edit the Project/Application description",
)
def edit_description(request: HttpRequest, pk: int, payload: DescriptionIn) -> dict[str, Any]:
    """The terms make the description a precondition of support; each change is kept."""
    contact = require_contact(request, "edit the Project/Application description")
    sub = _subscription(contact, pk)
    try:
        sub = customers.edit_project_description(contact, sub, payload.text, clock.now())
    except customers.EntitlementError as e:
        raise cs.CaseError(e.message, field="text") from None
    return _description_out(sub)
