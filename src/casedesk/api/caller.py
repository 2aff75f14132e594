"""Who is calling: the signed-in user, whether they are an engineer, and their contact record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import HttpRequest

from casedesk.cases import services as cs
from casedesk.cases.models import Case
from casedesk.customers.models import SupportContact
from casedesk.customers.roles import contact_of, is_agent

from .schemas import ErrorOut

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# The refusals every authenticated endpoint can answer with; documented in the OpenAPI schema.
ERRORS: dict[int, type[ErrorOut]] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@dataclass
class Caller:
    user: User
    agent: bool
    contact: SupportContact | None

    @property
    def tz(self) -> str | None:
        """Contacts read times in their own zone; engineers in the terms' calendar zone."""
        return self.contact.time_zone if self.contact and not self.agent else None


def caller(request: HttpRequest) -> Caller:
    found = getattr(request, "_casedesk_caller", None)
    if found is None:
        user = request.auth  # type: ignore[attr-defined]
        agent = is_agent(user)
        found = Caller(user, agent, None if agent else contact_of(user))
        request._casedesk_caller = found  # type: ignore[attr-defined]
    return found


def case_for(request: HttpRequest, ref: str) -> Case:
    """The one permission-checked fetch: another organisation's case is a 404, as unknown."""
    return cs.access_case(caller(request).user, ref)


def require_contact(request: HttpRequest, action: str) -> SupportContact:
    contact = caller(request).contact
    if contact is None or not contact.is_active:
        raise cs.Forbidden(f"Only designated support contacts can {action}.")
    return contact


def require_engineer(request: HttpRequest, action: str) -> User:
    """The role check at the door (the services check again); call it after `case_for`, so
    another organisation's case stays a 404."""
    who = caller(request)
    if not who.agent:
        raise cs.Forbidden(f"Only support engineers can {action}.")
    return who.user
