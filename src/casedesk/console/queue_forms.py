"""The queue's bulk-action bar and the take/group controls (issue 18). They parse what was
typed; the case services decide, per case, what is allowed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from casedesk.cases.models import SupportGroup
from casedesk.cases.services.bulk import ACTIONS, STATUSES
from casedesk.customers.models import TermsVersion
from casedesk.lib.inputs import parse_id

NOBODY = "none"
# What each action needs, and the sentence when it is missing.
NEEDS = {
    "assign": ("assignee", "Choose who gets the cases, or Nobody."),
    "group": ("group", "Choose a group, or No group."),
    "status": ("status", "Choose the status to move the cases to."),
    "duplicate": ("duplicate_of", "Give the tracking number of the case they duplicate."),
    "exclude": ("code", "Choose the exclusion the cases fall under."),
}


def _choose(prompt: str) -> list[tuple[str, str]]:
    return [("", prompt)]


class BulkForm(forms.Form):
    action = forms.ChoiceField(label="Action", required=False)
    assignee = forms.ChoiceField(label="Assign to", required=False)
    group = forms.ChoiceField(label="Group", required=False)
    status = forms.ChoiceField(label="Status", required=False)
    duplicate_of = forms.CharField(label="Duplicate of case", required=False, max_length=32)
    code = forms.ChoiceField(label="Exclusion", required=False)
    reason = forms.CharField(label="Note (optional)", required=False, max_length=2000)

    def __init__(
        self, *args: Any, agents: list[Any], exclusions: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        kwargs.setdefault("auto_id", "bulk-%s")
        super().__init__(*args, **kwargs)
        self._choices("action", _choose("— choose an action —") + list(ACTIONS.items()))
        people = [(str(a.pk), a.get_full_name() or a.get_username()) for a in agents]
        self._choices("assignee", _choose("— choose —") + [(NOBODY, "Nobody")] + people)
        self._choices("group", _choose("— choose —") + [(NOBODY, "No group"), *group_choices()])
        self._choices("status", _choose("— choose —") + [(s.value, s.label) for s in STATUSES])
        self._choices("code", _choose("— choose —") + exclusions)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        if not action:
            self.add_error("action", "Choose what to do with the selected cases.")
        elif action in NEEDS and not data.get(NEEDS[action][0]):
            self.add_error(NEEDS[action][0], NEEDS[action][1])
        return data

    def _choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


def group_choices() -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in SupportGroup.objects.values_list("pk", "name")]


def exclusion_choices(versions: Iterable[TermsVersion]) -> list[tuple[str, str]]:
    """Every exclusion of these terms versions; each case's own terms decide."""
    seen: dict[str, str] = {}
    for version in versions:
        for code, text in version.terms.exclusions.items():
            seen.setdefault(code, f"({code}) {text}")
    return list(seen.items())


def picked(value: str) -> int | None:
    """A chosen person or group id; None for "Nobody"/"No group" (or nothing chosen)."""
    return parse_id(value) if value != NOBODY else None
