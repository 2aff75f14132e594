"""Console forms for linking and merging (issue 18): they parse; the case services decide."""

from __future__ import annotations

from django import forms

from casedesk.cases.models import CaseLink

from .forms import ConsoleForm


def _case_ref(label: str, missing: str, help_text: str = "") -> forms.CharField:
    """A tracking number typed by hand (the service says when no such case exists)."""
    widget = forms.TextInput(attrs={"placeholder": "CASE-12"})
    messages = {"required": missing}
    return forms.CharField(
        label=label, max_length=40, widget=widget, help_text=help_text, error_messages=messages
    )


class LinkForm(ConsoleForm):
    key = "link"
    other = _case_ref("Case to link", "Give the tracking number of the case to link.")
    kind = forms.ChoiceField(label="Link", choices=CaseLink.Kind.choices)


class MergeForm(ConsoleForm):
    key = "merge"
    into = _case_ref(
        "Merge this case into",
        "Give the tracking number of the case to merge into.",
        "An open case of the same customer that this one duplicates.",
    )
    note = forms.CharField(
        label="Note for the customer (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
