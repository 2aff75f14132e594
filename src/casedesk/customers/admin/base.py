"""What every customers admin page shares: service refusals as form errors, the saved object
shown, invitations after the commit, and the terms read once per list page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.forms.models import construct_instance
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from casedesk.lib import clock
from casedesk.lib.inputs import parse_id
from casedesk.terms import Terms

from .. import services
from ..models import Customer, Subscription, SupportContact
from ..services import EntitlementError


@contextmanager
def refusal_as_error(form: forms.BaseForm, field: str | None = None) -> Iterator[None]:
    """Show a service refusal as a form error with the service's own message."""
    try:
        yield
    except EntitlementError as exc:
        form.add_error(field, exc.message)


class ServiceForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        # ModelForm.clean() returns cleaned_data; the stubs say "or None" for Form.clean().
        super().clean()
        return self.cleaned_data

    def _post_clean(self) -> None:
        # The rules are checked in clean() by the services, with their messages; the database
        # constraints back them. Only copy the values onto the instance here, and only valid
        # ones: the page shows the instance's computed fields again (a level no terms know
        # would break them) and nothing is saved anyway.
        if self.errors:
            return
        try:
            self.instance = construct_instance(
                self, self.instance, self._meta.fields, self._meta.exclude
            )
        except ValidationError as exc:
            self._update_errors(exc)  # type: ignore[attr-defined]  # not in the stubs


class IdInitialMixin:
    """The admin prefills an add form from the query string (?customer=3); a value for a
    relation that is no id (?customer=² or a number past 64 bits) is dropped, not looked up."""

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial: dict[str, Any] = super().get_changeform_initial_data(request)  # type: ignore[misc]
        relations = {f.name for f in self.model._meta.get_fields() if f.is_relation}  # type: ignore[attr-defined]
        for name, value in list(initial.items()):
            values = value if isinstance(value, list) else str(value).split(",")
            if name in relations and any(parse_id(v) is None for v in values):
                del initial[name]
        return initial


def show_saved(shown: models.Model, saved: models.Model) -> None:
    """Load what a service saved into the object the admin built from the form: the admin goes
    on using that object (for the redirect and the log entry)."""
    shown.pk = saved.pk
    shown.refresh_from_db()


_page_terms: ContextVar[Terms | None] = ContextVar("page_terms", default=None)


def current_terms() -> Terms:
    """The configured terms: read once per list page (see TermsPerPage), else here."""
    return _page_terms.get() or services.current_terms_version().terms


class TermsPerPage(admin.ModelAdmin):
    """A list page whose columns judge every row by the configured terms reads them once."""

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        token = _page_terms.set(services.current_terms_version().terms)
        try:
            response = super().changelist_view(request, extra_context)
            if isinstance(response, TemplateResponse):
                response.render()  # the rows are rendered here, while the terms are set
            return response
        finally:
            _page_terms.reset(token)


def invite_if_new(request: HttpRequest, contact: SupportContact) -> None:
    """A contact whose login never had a password gets the invitation once the save commits."""
    user = contact.user
    if user is None or not contact.is_active or not services.awaits_first_password(user):
        return

    def send() -> None:
        try:
            services.send_invitation(user, to=contact.email)
        except OSError as exc:  # the mail server is away: the contact is saved all the same
            messages.error(
                request,
                f"The invitation to {contact.email} could not be mailed ({exc}); print the link "
                f"with: casedesk invite {user.get_username()} --print",
            )

    messages.info(
        request,
        f"{contact.name} will get an invitation at {contact.email} to choose a password for "
        f"the login {user.get_username()}.",
    )
    transaction.on_commit(send)


def intake_text(customer: Customer, subscriptions: list[Subscription] | None = None) -> str:
    """Can the customer open cases now; `subscriptions`: all of its, when already read."""
    now = clock.now()
    try:
        if subscriptions is None:
            sub = services.customer_subscription(customer, now)
        else:
            sub = services.subscription_among(customer, subscriptions, now)
    except EntitlementError as exc:
        return f"No — {exc.message}"
    return f"Yes, under the {sub.level_name} subscription (until {sub.ends_on})"
