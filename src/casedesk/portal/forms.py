from __future__ import annotations

from typing import Any, cast

from django import forms

from casedesk.cases.models import CaseKind, Environment
from casedesk.cases.services.sections import MAX_SECTION
from casedesk.core.forms import MultipleFileField
from casedesk.customers.models import Release

SEVERITY_CHOICES = [(1, "Severity 1"), (2, "Severity 2"), (3, "Severity 3"), (4, "Severity 4")]


def _section(label: str, rows: int, help_text: str) -> forms.CharField:
    """An optional text the terms ask for, kept under its heading in the first message."""
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        required=False,
        max_length=MAX_SECTION,
        help_text=help_text,
    )


class NewCaseForm(forms.Form):
    requested_severity = forms.TypedChoiceField(
        label="Severity you assign", choices=SEVERITY_CHOICES, coerce=int, initial=3
    )
    kind = forms.ChoiceField(
        label="What kind of request",
        choices=CaseKind.choices,
        initial=CaseKind.PROBLEM,
        required=False,  # left out (older clients): "not known yet", an engineer sets it
    )
    environment = forms.ChoiceField(
        label="Environment",
        choices=Environment.choices,
        initial=Environment.PRODUCTION,
        required=False,
        help_text="Severity 1 and 2 are defined for a Production Environment.",
    )
    release = forms.ChoiceField(label="Product and version", required=False)
    subject = forms.CharField(max_length=300)
    description = forms.CharField(
        widget=forms.Textarea,
        min_length=10,
        help_text="What happened, and what you expected to happen.",
    )
    # Terms, "Customer Obligations" (i) and (ii): try first, give enough information and data.
    tried = _section(
        "What have you tried?",
        3,
        "Your support terms ask you to try to solve the problem first: what did you try, and "
        "what happened?",
    )
    diagnostics = _section(
        "Diagnostics (logs, versions, error messages)",
        4,
        "Paste the exact error, versions and short log excerpts here; attach whole log files, "
        "configurations and screenshots below.",
    )
    attachments = MultipleFileField(required=False, help_text="Logs, screenshots, configs.")
    # One-time token: a double submit opens one case (casedesk.portal.submissions).
    submission = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read once: the choices and the portal's out-of-support warnings list the same rows.
        self.releases = list(Release.objects.order_by("product", "-ga_on"))
        field = cast(forms.ChoiceField, self.fields["release"])
        field.choices = [("", "— not listed / not sure —")] + [
            (str(r.pk), f"{r.product} {r.version}" + ("" if r.production else " (pre-release)"))
            for r in self.releases
        ]

    def chosen_release(self) -> Release | None:
        pk = self.cleaned_data.get("release")
        return Release.objects.filter(pk=pk).first() if pk else None


class ReplyForm(forms.Form):
    body = forms.CharField(label="Your reply", widget=forms.Textarea, required=False)
    attachments = MultipleFileField(required=False)


class SeverityRequestForm(forms.Form):
    severity = forms.TypedChoiceField(choices=SEVERITY_CHOICES, coerce=int)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The business impact that justifies the change.",
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class PatchForm(forms.Form):
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="What must the patch fix?"
    )


class DescriptionForm(forms.Form):
    # The length rule lives in the service (one message for every interface); here only a cap.
    project_description = forms.CharField(
        label="Project/Application description",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="What it does, which product versions, how many nodes and where they run.",
    )


class ContactRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label="What you ask",
        choices=[
            ("transfer", "Transfer my contact role to a colleague (my access ends)"),
            ("add", "Add a colleague as another designated contact"),
        ],
        widget=forms.RadioSelect,
        initial="transfer",
    )
    name = forms.CharField(label="Colleague's name", max_length=200)
    email = forms.CharField(label="Colleague's e-mail", max_length=254)
    note = forms.CharField(
        label="Note for the support manager",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
