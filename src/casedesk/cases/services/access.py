"""The one permission-checked way to read cases. Unknown and forbidden both raise CaseNotFound."""

from __future__ import annotations

from django.db.models import QuerySet

from casedesk.cases.models import Case, CaseEvent
from casedesk.customers.models import SupportContact
from casedesk.customers.roles import agent_refusal, contact_of, is_agent
from casedesk.lib.inputs import parse_id, text_problem

from .errors import CaseNotFound, Forbidden


def cases_visible_to(user: object) -> QuerySet[Case]:
    """Agents see every case; an active contact sees their own organisation's; others none."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    if is_agent(user):
        return Case.objects.all()
    contact = contact_of(user)
    if contact is None:
        return Case.objects.none()
    if not contact.is_active:
        return Case.objects.none()
    return Case.objects.filter(customer_id=contact.customer_id)


def access_case(user: object, ref: int | str, *, lock: bool = False) -> Case:
    qs = cases_visible_to(user).select_related(
        "customer", "subscription", "contact", "terms_version"
    )
    if lock:
        qs = qs.select_for_update(of=("self",))
    case = _by_ref(qs, ref)
    if case is None:
        raise CaseNotFound(ref)
    return case


def _by_ref(qs: QuerySet[Case], ref: int | str) -> Case | None:
    ref = str(ref).strip()
    if ref.isascii() and ref.isdigit():
        pk = parse_id(ref)  # a number no case can have is no case, not an overflow
        return qs.filter(pk=pk).first() if pk else None
    if text_problem(ref):  # NUL or a lone surrogate: no tracking number has one
        return None
    return qs.filter(tracking_number=normal_ref(ref)).first()


def normal_ref(ref: str) -> str:
    """A tracking number as stored: prefixes are capitals and digits (the terms check it), so
    an exact match on the upper-cased text finds what a case-insensitive one would, through
    the unique index (`iexact` is UPPER(...) or LIKE, which no index serves)."""
    return ref.strip().upper()


def find_case_by_ref(ref: str) -> Case | None:
    """A case by tracking number (no permission check: intake checks the sender itself)."""
    if text_problem(ref):
        return None
    return Case.objects.filter(tracking_number=normal_ref(ref)).first()


def find_case_by_message_ids(message_ids: list[str]) -> Case | None:
    ids = [m.strip() for m in message_ids if m and m.strip()]
    if not ids:
        return None
    event = (
        CaseEvent.objects.filter(message_id__in=ids).select_related("case").order_by("-at").first()
    )
    return event.case if event else None


def require_agent(user: object, action: str) -> None:
    refusal = agent_refusal(user, action)
    if refusal:
        raise Forbidden(f"{refusal}.")


def require_contact_of(contact: SupportContact, case: Case) -> None:
    if not contact.is_active or contact.customer_id != case.customer_id:
        raise CaseNotFound(case.tracking_number)
