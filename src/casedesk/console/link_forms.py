"""Console forms for linking and merging (issue 18): they parse; the case services decide."""

from __future__ import annotations

from django import forms

from casedesk.cases.models import CaseLink

from .forms import ConsoleForm


class LinkForm(ConsoleForm):
    key = "link"
    other = forms.CharField(
        label="Case to link",
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": "CASE-12"}),
        error_messages={"required": "Give the tracking number of the case to link."},
    )
    kind = forms.ChoiceField(label="Link", choices=CaseLink.Kind.choices)


class MergeForm(ConsoleForm):
    key = "merge"
    into = forms.CharField(
        label="Merge this case into",
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": "CASE-12"}),
        help_text="An open case of the same customer that this one duplicates.",
        error_messages={"required": "Give the tracking number of the case to merge into."},
    )
    note = forms.CharField(
        label="Note for the customer (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
