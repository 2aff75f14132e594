"""What the customer's mail says about the life of a case after the first response (issue 16):
requests for information, reminders, resolutions and a scheduled fix that shipped."""

from __future__ import annotations

from typing import Any

from casedesk.cases.models import CaseEvent, EventKind, Resolution

KINDS = frozenset(
    {EventKind.INFO_REQUESTED, EventKind.REMINDED, EventKind.RESOLVED, EventKind.FIX_RELEASED}
)


def checklist(items: list[str]) -> str:
    return "".join(f"\n  - {item}" for item in items)


def resolution_words(data: dict[str, Any]) -> str:
    """ "fixed in release Product 2.4" — how a case was resolved, in a phrase."""
    how = data.get("how", "")
    if how == Resolution.FIXED_IN_RELEASE:
        return f"fixed in release {data.get('release')}"
    if how == Resolution.PATCH_DELIVERED:
        return "resolved by the emergency patch delivered on the case"
    if how == Resolution.DUPLICATE:
        return f"a duplicate of case {data.get('duplicate_of')}"
    label = Resolution(how).label.lower() if how in Resolution.values else how
    return f"resolved: {label}"


def render(event: CaseEvent) -> str:
    """The mail's text for one of `KINDS`."""
    data, number = event.data or {}, event.case.tracking_number
    note = f"\n{event.body}\n" if event.body else ""
    if event.kind == EventKind.INFO_REQUESTED:
        return (
            f"{event.actor_label} needs more information on case {number}:\n"
            f"{checklist(data.get('items', []))}\n{note}\n"
            "The case waits for your reply; reply to this message or in the portal.\n"
        )
    if event.kind == EventKind.REMINDED:
        return (
            f"Reminder: case {number} is still waiting for the information we asked for:\n"
            f"{checklist(data.get('items', []))}\n\n"
            "Reply to this message or in the portal, and the case resumes.\n"
        )
    if event.kind == EventKind.FIX_RELEASED:
        return (
            f"Case {number} is resolved: the fix is in {data.get('release')}, generally "
            f"available since {data.get('ga_on')}.\n"
        )
    if data.get("to") == "scheduled":
        return (
            f"Case {number} will be fixed in release {data.get('release')}, planned to be "
            f"generally available on {data.get('ga_on')}. We will tell you when it is.\n{note}"
        )
    if data.get("merged_into"):
        return merged_text(number, data["merged_into"]) + note
    reason = f"\nReason: {event.reason}\n" if event.reason else ""
    return f"Case {number} is {resolution_words(data)}.\n{note}{reason}"


def merged_text(number: str, into: str) -> str:
    """The duplicate's mail: where the conversation goes on (issue 18)."""
    return (
        f"Case {number} reports the same problem as case {into}, so it was merged into "
        f"{into} and closed. Its messages and files are part of case {into} now; please follow "
        f"and reply on case {into}.\n"
    )
