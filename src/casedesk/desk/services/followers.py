"""Followers (contacts of the case's customer who get its public updates by mail) and watchers
(engineers who get its internal updates). A contact of another customer is never added."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from casedesk.cases.models import Case
from casedesk.cases.services import CaseError
from casedesk.cases.services.access import require_agent
from casedesk.cases.services.events import actor_fields
from casedesk.customers.models import SupportContact
from casedesk.customers.roles import contact_of, is_agent
from casedesk.desk.models import Follower, Watcher
from casedesk.lib import clock
from casedesk.lib.inputs import text_problem

CC_LABEL = "Cc of the customer's mail"


def followers_of(case: Case) -> list[Follower]:
    return list(
        Follower.objects.filter(case=case).select_related("contact").order_by("contact__name")
    )


def candidates(case: Case) -> list[SupportContact]:
    """The customer's active contacts who could follow the case (not the reporter, not yet)."""
    taken = Follower.objects.filter(case=case).values("contact_id")
    return list(
        SupportContact.objects.filter(customer_id=case.customer_id, is_active=True)
        .exclude(pk=case.contact_id)
        .exclude(pk__in=taken)
        .order_by("name")
    )


def add_follower(actor: Any, case: Case, email: str) -> Follower:
    """An engineer, the reporter, or the colleague themselves adds a contact by address."""
    email = _address(email)
    _may_manage(actor, case, email)
    contact = _contact(case, email)
    if contact.pk == case.contact_id:
        raise CaseError(f"{contact.name} reported this case and hears about it already.", "email")
    label = actor_fields(_as_actor(actor))[1]
    try:
        with transaction.atomic():
            return Follower.objects.create(
                case=case, contact=contact, added_by=label, added_at=clock.now()
            )
    except IntegrityError:
        raise CaseError(f"{contact.name} already follows this case.", "email") from None


def remove_follower(actor: Any, case: Case, email: str) -> None:
    email = _address(email)
    _may_manage(actor, case, email)
    found = Follower.objects.filter(case=case, contact__email__iexact=email.strip())
    if not found.delete()[0]:
        raise CaseError(f"{email} does not follow this case.", "email")


def add_from_cc(case: Case, addresses: Iterable[str]) -> list[Follower]:
    """Mail intake: Cc addresses that are active contacts of the case's customer follow it;
    any other address is ignored (and never named back to anyone)."""
    wanted = {a.strip().lower() for a in addresses if a and a.strip()}
    if not wanted:
        return []
    added = []
    for contact in candidates(case):
        if contact.email.lower() in wanted:
            follower, _ = Follower.objects.get_or_create(
                case=case, contact=contact, defaults={"added_by": CC_LABEL, "added_at": clock.now()}
            )
            added.append(follower)
    return added


def _address(email: str) -> str:
    """The typed address, or a refusal a person can act on (no database stores a NUL)."""
    problem = text_problem(email)
    if problem:
        raise CaseError(f"The address {problem}; type it again.", "email")
    return email.strip()


def _contact(case: Case, email: str) -> SupportContact:
    contact = SupportContact.objects.filter(
        customer_id=case.customer_id, email__iexact=email.strip(), is_active=True
    ).first()
    if contact is None:
        raise CaseError(
            f"{email.strip() or 'That address'} is not an active support contact of "
            f"{case.customer.name}; only the customer's own contacts can follow its cases.",
            "email",
        )
    return contact


def _may_manage(actor: Any, case: Case, email: str) -> None:
    """Engineers and the reporter manage followers; any colleague may add or drop themselves."""
    if is_agent(actor):
        return
    contact = actor if isinstance(actor, SupportContact) else contact_of(actor)
    if contact is None or not contact.is_active or contact.customer_id != case.customer_id:
        raise CaseError("Only the reporter or a support engineer can change the followers.")
    if contact.pk == case.contact_id or contact.email.lower() == email.strip().lower():
        return
    raise CaseError("Only the reporter or a support engineer can add other followers.", "email")


def _as_actor(actor: Any) -> Any:
    return actor if isinstance(actor, SupportContact) else (contact_of(actor) or actor)


# --- engineers watching -------------------------------------------------------------------------


def watch(user: Any, case: Case, *, on: bool = True) -> bool:
    """Start (or stop) mailing the case's internal updates to this engineer; True if watching."""
    require_agent(user, "watch cases")
    if not on:
        Watcher.objects.filter(case=case, user=user).delete()
        return False
    Watcher.objects.get_or_create(case=case, user=user, defaults={"added_at": clock.now()})
    return True


def is_watching(user: Any, case: Case) -> bool:
    return Watcher.objects.filter(case=case, user=user).exists()
