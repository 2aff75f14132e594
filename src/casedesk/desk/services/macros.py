"""Canned replies: who may use and edit which, their placeholders filled for one case, and what
sending one does besides the reply (count it, set a status, ask the customer)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet

from casedesk.cases.explain import fmt
from casedesk.cases.models import Case
from casedesk.cases.services import CaseError, ask_customer, set_status
from casedesk.cases.services.access import require_agent
from casedesk.customers.roles import is_manager
from casedesk.desk.models import CannedReply
from casedesk.desk.placeholders import PlaceholderError, fill, names_in
from casedesk.lib import clock
from casedesk.lib.inputs import parse_id


class MacroNotFound(CaseError):
    def __init__(self) -> None:
        super().__init__("No such canned reply among yours and the shared ones.")


@dataclass(frozen=True)
class MacroSpec:
    """What the editor typed."""

    title: str
    body: str
    shared: bool = False
    set_status: str = ""
    ask_items: str = ""
    exclusion_code: str = ""


def macros_for(user: Any) -> QuerySet[CannedReply]:
    """The shared canned replies and the engineer's own."""
    return CannedReply.objects.filter(Q(owner__isnull=True) | Q(owner_id=user.pk))


def access_macro(user: Any, pk: object) -> CannedReply:
    require_agent(user, "use canned replies")
    number = parse_id(pk)  # typed or posted: anything but an id is no canned reply
    found = macros_for(user).filter(pk=number).first() if number else None
    if found is None:
        raise MacroNotFound()
    return found


def may_edit(user: Any, macro: CannedReply) -> bool:
    """Engineers keep their own; managers keep the shared ones."""
    if macro.owner_id is None:
        return is_manager(user)
    return bool(macro.owner_id == user.pk)


def save_macro(user: Any, spec: MacroSpec, macro: CannedReply | None = None) -> CannedReply:
    require_agent(user, "write canned replies")
    _check(user, spec)
    if macro is not None and not may_edit(user, macro):
        raise MacroNotFound()
    macro = macro or CannedReply()
    macro.owner = None if spec.shared else user
    macro.title, macro.body = spec.title.strip(), spec.body
    macro.set_status, macro.ask_items = spec.set_status, spec.ask_items.strip()
    macro.exclusion_code = spec.exclusion_code.strip()
    macro.updated_at = clock.now()
    macro.save()
    return macro


def _check(user: Any, spec: MacroSpec) -> None:
    if not spec.title.strip():
        raise CaseError("Give the canned reply a title engineers will recognise.", field="title")
    if not spec.body.strip():
        raise CaseError("Write the text of the canned reply.", field="body")
    try:
        names = names_in(spec.body)
    except PlaceholderError as exc:
        raise CaseError(str(exc), field="body") from None
    if "exclusion_text" in names and not spec.exclusion_code.strip():
        raise CaseError(
            "The text uses {exclusion_text}: choose the exclusion whose text it quotes.",
            field="exclusion_code",
        )
    if spec.shared and not is_manager(user):
        raise CaseError("Only support managers can share canned replies.", field="shared")
    if spec.set_status not in CannedReply.SetStatus.values:
        raise CaseError("Choose a status from the list, or keep the status.", field="set_status")


def delete_macro(user: Any, macro: CannedReply) -> None:
    if not may_edit(user, macro):
        raise MacroNotFound()
    macro.delete()


def fill_macro(macro: CannedReply, case: Case) -> str:
    """The macro's text for this case; a clear error when it cannot be filled."""
    try:
        return fill(macro.body, _values(macro, case))
    except PlaceholderError as exc:
        raise CaseError(f"“{macro.title}”: {exc}", field="body") from None


def _values(macro: CannedReply, case: Case) -> dict[str, str]:
    values = {
        "contact_name": case.contact.name,
        "case_number": case.tracking_number,
        "deadline": _deadline(case),
    }
    if macro.exclusion_code:
        text = case.terms_version.terms.exclusions.get(macro.exclusion_code)
        if text is not None:  # an exclusion these terms lack: {exclusion_text} has no value
            values["exclusion_text"] = text
    return values


def _deadline(case: Case) -> str:
    """The response deadline before the first response, then the next update due."""
    due = case.response_deadline if case.first_response_at is None else case.update_due_at
    if due is None:
        return "no fixed deadline (reasonable efforts)"
    return fmt(due, case.contact.time_zone)


def after_reply(user: Any, case: Case, macro: CannedReply) -> list[str]:
    """Count the use, then set the macro's status or ask for its items; what was done, said."""
    CannedReply.objects.filter(pk=macro.pk).update(use_count=F("use_count") + 1)
    case.refresh_from_db(fields=["status"])  # the reply itself may have moved it (new: triaged)
    done: list[str] = []
    try:
        if macro.ask_items:
            ask_customer(user, case, macro.ask_items)
            done.append("The case now waits on the customer for the items asked.")
        elif macro.set_status and macro.set_status != case.status:
            case = set_status(user, case, macro.set_status, reason=f"Canned reply: {macro.title}")
            done.append(f"{case.tracking_number} is now {case.get_status_display().lower()}.")
    except CaseError as exc:
        done.append(f"The reply was sent, but: {exc.message}")
    return done
