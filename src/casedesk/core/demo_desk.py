"""The demo's desk (issue 18): the shared canned replies a desk gives every day, one of an
engineer's own, and a colleague following one of Acme's open cases."""

from __future__ import annotations

from typing import Any

from casedesk.cases.models import OPEN_STATUSES, Case
from casedesk.desk.services.followers import add_follower
from casedesk.desk.services.macros import MacroSpec, save_macro

SHARED = [
    MacroSpec(
        title="Thanks, we are on it",
        body=(
            "Hello {contact_name},\n\nThank you for reporting this. Case {case_number} is with "
            "our engineers now; you will hear from us by {deadline}.\n"
        ),
        set_status="triaged",
    ),
    MacroSpec(
        title="Please send the logs",
        body=(
            "Hello {contact_name},\n\nTo find the cause we need the logs from the time it "
            "happened. Reply to this message with them attached, or add them to case "
            "{case_number} in the portal.\n"
        ),
        ask_items="The service logs from the hour before the failure\nThe exact version installed",
    ),
    MacroSpec(
        title="Out of scope: custom development",
        body=(
            "Hello {contact_name},\n\nWhat you ask for in {case_number} is outside your support "
            "terms, which exclude: {exclusion_text}\n\nYour account manager can offer it as a "
            "services engagement.\n"
        ),
        exclusion_code="v",
    ),
    MacroSpec(
        title="Fixed: please confirm",
        body=(
            "Hello {contact_name},\n\nThe fix described above should solve this. We mark case "
            "{case_number} resolved; reply within a few days if it does not, and it reopens.\n"
        ),
        set_status="resolved",
    ),
]


def seed_macros(manager: Any, agents: list[Any]) -> None:
    for spec in SHARED:
        save_macro(manager, MacroSpec(**{**spec.__dict__, "shared": True}))
    save_macro(
        agents[0],
        MacroSpec(
            title="Call me",
            body="Hello {contact_name},\n\nCould we talk it through on a call? Reply with a time.\n",
        ),
    )


def seed_follower(manager: Any) -> None:
    """Ahmed follows the newest open Acme case that someone else reported."""
    case = (
        Case.objects.filter(customer__slug="acme", status__in=OPEN_STATUSES)
        .exclude(contact__email__startswith="ahmed@")
        .order_by("-id")
        .first()
    )
    if case is not None:
        add_follower(manager, case, "ahmed@acme.example")
