"""Console forms for the life of a case after the first response (issue 16): kind and
environment, asking the customer, resolving. They parse; the case services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from casedesk.cases.models import Case, CaseKind, Environment, PatchRequest
from casedesk.cases.services.resolve import CHOICES
from casedesk.customers.models import Release

from .forms import ConsoleForm


class ClassifyForm(ConsoleForm):
    key = "classify"
    kind = forms.CharField(label="Kind", widget=forms.Select(choices=CaseKind.choices))
    environment = forms.CharField(
        label="Environment", widget=forms.Select(choices=Environment.choices)
    )
    reason = forms.CharField(label="Why (optional, internal)", required=False)


class AskForm(ConsoleForm):
    key = "ask"
    items = forms.CharField(
        label="What the customer must send, one item a line",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="The case waits on the customer until they reply; the portal shows this list.",
    )
    body = forms.CharField(
        label="Message (optional)", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ResolveForm(ConsoleForm):
    key = "resolve"
    how = forms.CharField(label="Resolved how", widget=forms.Select, required=False)
    release = forms.CharField(label="Fixed in release", widget=forms.Select, required=False)
    patch = forms.CharField(label="Delivered patch", widget=forms.Select, required=False)
    duplicate_of = forms.CharField(label="Duplicate of (tracking number)", required=False)
    code = forms.CharField(label="Exclusion", widget=forms.Select, required=False)
    note = forms.CharField(
        label="Note to the customer (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["how"].widget.choices = [("", "— choose how —")] + [
            (c.value, c.label) for c in CHOICES
        ]
        releases = Release.objects.order_by("product", "-ga_on")
        self.fields["release"].widget.choices = [("", "—")] + [
            (str(r.pk), f"{r.product} {r.version} (GA {r.ga_on:%Y-%m-%d})") for r in releases
        ]
        delivered = case.patch_requests.filter(state=PatchRequest.State.DELIVERED)
        self.fields["patch"].widget.choices = [("", "—")] + [
            (str(p.pk), f"#{p.pk} {p.summary[:60]}") for p in delivered
        ]
        exclusions = case.terms_version.terms.exclusions
        self.fields["code"].widget.choices = [("", "—")] + [
            (code, f"({code}) {text[:80]}") for code, text in exclusions.items()
        ]


def defaults(case: Case) -> dict[str, ConsoleForm]:
    """The unbound forms the case page shows."""
    return {
        "classify": ClassifyForm(initial={"kind": case.kind, "environment": case.environment}),
        "ask": AskForm(),
        "resolve": ResolveForm(case=case),
    }
