"""Response headers every casedesk page and API answer gets (beside django-csp's and
django-permissions-policy's)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers


class NoStoreForSignedInMiddleware:
    """`Cache-Control: no-store` on everything answered to a signed-in person or an API token.

    Customer data (cases, files, reports, the queue) is only ever shown to such callers, so this
    covers the portal, the console and the API without a list of paths to keep up to date, and
    keeps them out of shared proxies and a shared computer's back button. Static files (served
    by WhiteNoise before this runs) and public pages answered to anonymous visitors keep their
    own caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = "Authorization" in request.headers or (
            user is not None and user.is_authenticated
        )
        if signed_in and "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        return response
