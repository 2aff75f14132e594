"""Sign-in pages: password (limited), second factor, its set-up, password reset and invitations."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from casedesk.customers import services as customers

from . import limits, notices, twofactor


def _with_retry_after(response: HttpResponse, refused: limits.Refused) -> HttpResponse:
    response["Retry-After"] = str(refused.retry_after)
    return response


class SignInView(auth_views.LoginView):
    """Django's sign-in, with the failure limits charged before the password is checked."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = limits.normalise_username(request.POST.get("username", ""))
        try:
            attempt = limits.begin_sign_in(username, limits.client_address(request))
        except limits.Refused as exc:
            # An unbound form: a bound one would check the password while rendering its errors.
            form = self.get_form_class()(request, initial={"username": username})
            context = self.get_context_data(form=form, refusal=exc.message)
            return _with_retry_after(self.render_to_response(context, status=429), exc)
        if attempt.slowed:
            notices.mail_account_slowed(username)
        self.signed_in = False
        response = super().post(request, *args, **kwargs)
        # Not request.user: a session signed in before (as anyone) is no proof for this attempt.
        if self.signed_in:
            attempt.succeeded()
        return response

    def form_valid(self, form: Any) -> HttpResponse:
        self.signed_in = True
        return super().form_valid(form)

    def get_success_url(self) -> str:
        url = super().get_success_url()
        need = twofactor.requirement(self.request.user)
        if need is None:
            return url
        target = "two_factor_verify" if need == twofactor.VERIFY else "two_factor"
        return f"{reverse(target)}?{urlencode({'next': url})}"


def _next(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    # Only a path on this site: a bare word would be read by `redirect()` as a view name.
    return url if safe and url.startswith("/") else "/"


@sensitive_post_parameters("code")
@login_required
def verify_view(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or a recovery code."""
    user = request.user
    if user.is_verified() or twofactor.requirement(user) != twofactor.VERIFY:  # type: ignore[union-attr]
        return redirect(_next(request))
    error = ""
    if request.method == "POST":
        try:
            device = twofactor.verify(user, request.POST.get("code", ""))
        except twofactor.TwoFactorError as exc:
            error = exc.message
        else:
            otp_login(request, device)
            request.session.cycle_key()  # a new session id for the stronger sign-in
            if isinstance(device, StaticDevice):
                left = twofactor.recovery_codes_left(user)
                messages.warning(
                    request,
                    f"You signed in with a recovery code; {left} left. Make new ones on the "
                    "two-factor page if you are running low.",
                )
            return redirect(_next(request))
    context = {
        "error": error,
        "next": _next(request),
        "passkeys": settings.CASEDESK_PASSKEYS and bool(twofactor.passkeys(user)),
    }
    return render(request, "signin/verify.html", context, status=400 if error else 200)


@sensitive_post_parameters("code")
@login_required
def two_factor_view(request: HttpRequest) -> HttpResponse:
    """Set up, renew or remove the second factor (engineers and managers only)."""
    user = request.user
    if not twofactor.may_enrol(user):
        raise Http404("No such page.")
    action = request.POST.get("action", "") if request.method == "POST" else ""
    error = ""
    if action == "confirm":
        try:
            device, codes = twofactor.confirm_app(user, request.POST.get("code", ""))
        except twofactor.TwoFactorError as exc:
            error = exc.message
        else:
            otp_login(request, device)
            request.session.cycle_key()
            return _codes_page(request, codes, first=True)
    elif action == "recovery-codes" and twofactor.has_second_factor(user):
        return _codes_page(request, twofactor.new_recovery_codes(user), first=False)
    elif action == "remove":
        twofactor.remove_second_factor(user)
        messages.info(request, "The second factor is off; sign-in now asks for the password only.")
        return redirect("two_factor")
    context: dict[str, Any] = {
        "error": error,
        "next": _next(request),
        "on": twofactor.has_second_factor(user),
        "passkeys": twofactor.passkeys(user),
        "passkeys_offered": settings.CASEDESK_PASSKEYS,
        "codes_left": twofactor.recovery_codes_left(user),
    }
    if not twofactor.has_app(user):
        device = twofactor.pending_app(user)
        # segno draws the QR code as inline SVG built from our own otpauth URL: no third-party
        # origin, no inline script, and nothing a visitor typed.
        context["qr"] = mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=4))  # noqa: S308
        context["secret"] = twofactor.secret_text(device)
    return render(request, "signin/two_factor.html", context, status=400 if error else 200)


def _codes_page(request: HttpRequest, codes: list[str], *, first: bool) -> HttpResponse:
    context = {"codes": codes, "first": first, "next": _next(request)}
    return render(request, "signin/recovery_codes.html", context)


class InvitingPasswordResetForm(PasswordResetForm):
    """A reset for a login that never had a password sends the invitation instead of nothing."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Django's reset mail, rendered as Django does, sent through the outbox."""
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        customers.queue_login_mail(to_email, subject, body, kind="password_reset")

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        for user, address in customers.awaiting_by_email(self.cleaned_data["email"]):
            customers.send_invitation(user, to=address)


class LimitedPasswordResetView(auth_views.PasswordResetView):
    form_class = InvitingPasswordResetForm
    template_name = "signin/password_reset_form.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = request.POST.get("email", "")
        try:
            limits.begin_password_reset(email, limits.client_address(request))
        except limits.Refused as exc:
            form = self.get_form_class()(initial={"email": email})
            context = self.get_context_data(form=form, refusal=exc.message)
            return _with_retry_after(self.render_to_response(context, status=429), exc)
        return super().post(request, *args, **kwargs)


class WelcomeView(auth_views.PasswordResetConfirmView):
    """The invitation link's page: choose the first password."""

    template_name = "signin/welcome.html"
    success_url = reverse_lazy("password_reset_complete")
