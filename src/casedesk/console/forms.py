"""Console forms: they only parse what was typed; the case services decide what is allowed."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from casedesk.cases.models import Case, CaseKind, Environment, Status
from casedesk.cases.services import CaseError
from casedesk.cases.services.status import TRANSITIONS
from casedesk.core.forms import MultipleFileField

SEVERITIES = [(n, f"Severity {n}") for n in (1, 2, 3, 4)]
UNASSIGNED = "none"


class ConsoleForm(forms.Form):
    """A form that can show a service's CaseError next to the field it names.

    Several forms share one page, so each one's ids start with its own `key`.
    """

    key = "form"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.key}-%s")
        super().__init__(*args, **kwargs)

    def add_case_error(self, exc: CaseError) -> None:
        field = exc.field if exc.field in self.fields else None
        self.add_error(field, exc.message)


# --- the queue ---------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    level = forms.ChoiceField(required=False)
    severity = forms.TypedChoiceField(
        required=False, choices=[("", "Any"), *SEVERITIES], coerce=int, empty_value=None
    )
    customer = forms.ChoiceField(required=False)
    assignee = forms.ChoiceField(required=False)
    kind = forms.ChoiceField(required=False, choices=[("", "Any"), *CaseKind.choices])
    environment = forms.ChoiceField(required=False, choices=[("", "Any"), *Environment.choices])

    def __init__(
        self,
        data: Any,
        *,
        levels: list[tuple[str, str]],
        customers: list[tuple[str, str]],
        assignees: list[tuple[str, str]],
    ) -> None:
        super().__init__(data)
        cast(forms.ChoiceField, self.fields["level"]).choices = [("", "Any")] + levels
        cast(forms.ChoiceField, self.fields["customer"]).choices = [("", "Any")] + customers
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [
            ("", "Anyone"),
            (UNASSIGNED, "Unassigned"),
        ] + assignees


# --- the case page -----------------------------------------------------------------------


class RespondForm(ConsoleForm):
    key = "respond"
    body = forms.CharField(label="Message", widget=forms.Textarea, required=False, strip=False)
    attachments = MultipleFileField(required=False)
    # Issue 18: the last event the page showed (a reply since then is refused once), and the
    # canned reply the text came from (counted when sent). Hidden inputs of the reply box.
    seen_event = forms.IntegerField(required=False, widget=forms.HiddenInput)
    macro = forms.IntegerField(required=False, widget=forms.HiddenInput)


class SeverityForm(ConsoleForm):
    key = "severity"
    severity = forms.TypedChoiceField(label="New severity", choices=SEVERITIES, coerce=int)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, help_text="Goes in the audit log."
    )
    override_quota_reason = forms.CharField(
        label="Override the incident quota because",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Only when the quota is used up; leave empty otherwise.",
    )


class ConfirmRequestForm(ConsoleForm):
    key = "confirm"
    reason = forms.CharField(label="Reason (optional)", required=False)


class DeclineRequestForm(ConsoleForm):
    key = "decline"
    reason = forms.CharField(
        label="Why the requested severity is declined",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="The customer sees this.",
    )


class AssignForm(ConsoleForm):
    key = "assign"
    assignee = forms.ChoiceField(label="Assignee", required=False)

    def __init__(self, *args: Any, agents: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [("", "Nobody")] + [
            (str(a.pk), a.get_full_name() or a.get_username()) for a in agents
        ]


class StatusForm(ConsoleForm):
    key = "status"
    # A plain field under a select: the service, not the form, says which moves are allowed.
    status = forms.CharField(label="Move to", widget=forms.Select, required=False)
    reason = forms.CharField(label="Reason (optional)", required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "Resolved" is the Resolve form's (it asks how); the service still accepts it here.
        allowed = TRANSITIONS.get(case.status, set()) - {Status.RESOLVED}
        self.fields["status"].widget.choices = [(s.value, s.label) for s in Status if s in allowed]


class ExcludeForm(ConsoleForm):
    key = "exclude"
    # A plain field under a select: the service names the valid codes when the choice is wrong.
    code = forms.CharField(label="Exclusion", widget=forms.Select, required=False)
    reason = forms.CharField(
        label="Note (optional)", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, exclusions: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.choices = [("", "— choose an exclusion —")] + [
            (code, f"({code}) {text}") for code, text in exclusions.items()
        ]


class PatchRequestForm(ConsoleForm):
    key = "patch"
    summary = forms.CharField(
        label="What must the patch fix?",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class PatchDeliverForm(ConsoleForm):
    key = "deliver"
    note = forms.CharField(
        label="Delivered",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Version, download link, instructions.",
    )
