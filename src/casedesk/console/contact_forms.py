"""The forms of the customer page's contact actions (casedesk.console.contacts)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from casedesk.customers.models import DEFAULT_TIME_ZONE, SupportContact


class AddContactForm(forms.Form):
    name = forms.CharField(max_length=200)
    email = forms.EmailField(label="E-mail", max_length=254)
    time_zone = forms.CharField(
        max_length=64,
        initial=DEFAULT_TIME_ZONE,
        help_text="The contact's own zone, such as Europe/Berlin: the portal shows times in it.",
    )


class TransferForm(forms.Form):
    name = forms.CharField(label="New contact's name", max_length=200)
    email = forms.EmailField(label="New contact's e-mail", max_length=254)


def contact_forms(contacts: Iterable[SupportContact], bound: dict[str, Any]) -> dict[str, Any]:
    """The add form and, per contact, its transfer form; a refused one as it was typed."""
    refused_pk, refused = bound.get("transfer_form", (None, None))
    return {
        "add_form": bound.get("add_form") or AddContactForm(prefix="add"),
        "contact_rows": [
            (c, refused if c.pk == refused_pk else TransferForm(prefix=f"t{c.pk}"))
            for c in contacts
        ],
        "refused_transfer": refused_pk,
    }
