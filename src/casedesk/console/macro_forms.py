"""The canned-reply editor's form: it parses; the desk service decides."""

from __future__ import annotations

from typing import Any

from django import forms

from casedesk.desk.models import CannedReply
from casedesk.desk.placeholders import PLACEHOLDERS
from casedesk.desk.services.macros import MacroSpec

from .forms import ConsoleForm

HELP = "Placeholders: " + "; ".join(f"{{{k}}} is {v}" for k, v in PLACEHOLDERS.items()) + "."


class MacroForm(ConsoleForm):
    key = "macro"
    title = forms.CharField(label="Title", max_length=120, required=False)
    body = forms.CharField(
        label="Text", widget=forms.Textarea(attrs={"rows": 8}), required=False, help_text=HELP
    )
    shared = forms.BooleanField(label="Shared with every engineer (managers only)", required=False)
    set_status = forms.ChoiceField(
        label="When sent, set the status", choices=CannedReply.SetStatus.choices, required=False
    )
    ask_items = forms.CharField(
        label="When sent, ask the customer for (one item a line)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="The case then waits on the customer; leave empty to only reply.",
    )
    exclusion_code = forms.CharField(label="Exclusion quoted by {exclusion_text}", required=False)

    def __init__(self, *args: Any, exclusions: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["exclusion_code"].widget = forms.Select(
            choices=[("", "— none —")] + [(c, f"({c}) {t[:70]}") for c, t in exclusions.items()]
        )

    def spec(self) -> MacroSpec:
        data = self.cleaned_data
        return MacroSpec(
            title=data["title"],
            body=data["body"],
            shared=data["shared"],
            set_status=data["set_status"] or "",
            ask_items=data["ask_items"],
            exclusion_code=data["exclusion_code"],
        )


def initial(macro: CannedReply) -> dict[str, Any]:
    return {
        "title": macro.title,
        "body": macro.body,
        "shared": macro.owner_id is None,
        "set_status": macro.set_status,
        "ask_items": macro.ask_items,
        "exclusion_code": macro.exclusion_code,
    }
