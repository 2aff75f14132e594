"""Keep a password-only session of a login with a second factor (or one that must have one) on
the pages that finish signing in. Runs after django-otp's OTPMiddleware."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from . import twofactor

# Pages an unverified session may still see: signing in and out, setting a password, files, and
# the passkey ceremonies (django-otp-webauthn refuses to add a passkey to an unverified session
# of a login that already has a second factor).
OPEN_PREFIXES = (
    "/login/",
    "/logout/",
    "/password-reset/",
    "/welcome/",
    "/webauthn/",
    "/static/",
    "/healthz",
)


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()  # type: ignore[attr-defined]  # added by django-otp's OTPMiddleware
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            need = twofactor.requirement(user)
            if need is not None:
                return self._refuse(request, need)
        return self.get_response(request)

    def _refuse(self, request: HttpRequest, need: str) -> HttpResponse:
        target = reverse("two_factor_verify" if need == twofactor.VERIFY else "two_factor")
        if need == twofactor.ENROL and request.path == target:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            if "Authorization" in request.headers:
                return self.get_response(request)  # a token request: the session plays no part
            what = (
                "enter your second factor" if need == twofactor.VERIFY else "set up a second factor"
            )
            return JsonResponse(
                {"detail": f"Finish signing in: {what} at {target}.", "field": None}, status=401
            )
        return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
