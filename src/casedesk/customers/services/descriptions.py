"""The Project/Application description, edited by the customer's own contacts (issue 17).

The terms make the description a precondition of support, so a placeholder is refused: it must
be at least MIN_DESCRIPTION characters. Every change is kept (who, when, old text → new text).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ..models import DescriptionChange, Subscription, SupportContact
from .errors import EntitlementError

MIN_DESCRIPTION = 40


def description_refusal(text: str) -> str | None:
    """Why `text` is not a real Project/Application description (None: it is)."""
    length = len(text.strip())
    if length >= MIN_DESCRIPTION:
        return None
    return (
        f"Describe your project or application in at least {MIN_DESCRIPTION} characters "
        f"(you wrote {length}): the terms make this description a precondition of support, "
        "so engineers know what runs where — e.g. what it does, which product versions, "
        "how many nodes and where they run."
    )


def edit_project_description(
    contact: SupportContact, subscription: Subscription, text: str, at: dt.datetime
) -> Subscription:
    """A designated contact sets their organisation's description; the change is recorded."""
    if not contact.is_active or subscription.customer_id != contact.customer_id:
        raise EntitlementError("Only your organisation's active contacts edit this description.")
    refusal = description_refusal(text)
    if refusal:
        raise EntitlementError(refusal)
    new = text.strip()
    with transaction.atomic():
        sub = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if sub.project_description == new:
            return sub  # nothing changed: no history line
        DescriptionChange.objects.create(
            subscription=sub,
            actor=contact.user,
            actor_name=f"{contact.name} <{contact.email}>",
            old_text=sub.project_description,
            new_text=new,
            at=at,
        )
        sub.project_description = new
        sub.save(update_fields=["project_description"])
    return sub


def description_history(subscription: Subscription) -> list[Any]:
    """The description's changes, newest first."""
    return list(subscription.description_changes.order_by("-at", "-id"))
