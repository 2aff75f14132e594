"""How API callers sign in: a personal token as `Authorization: Bearer <token>`, or, for the
browser on the same site, the Django session with its CSRF check."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from casedesk.signin import limits

from .models import ApiToken
from .tokens import record_use


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = ApiToken.objects.for_bearer(token.strip())
        if found is None:
            try:
                limits.token_failed(limits.client_address(request))
            except limits.Refused as exc:
                raise HttpError(429, exc.message) from None
            return None
        record_use(found)
        return found.user


class BrowserSessionAuth(SessionAuth):
    """The session, CSRF-checked (Ninja's check). Requests carrying an Authorization header or no
    session cookie are not session requests: a wrong token then stays a 401, not a CSRF 403."""

    def __call__(self, request: HttpRequest) -> Any:
        if "Authorization" in request.headers:
            return None
        if self.param_name not in request.COOKIES:
            return None
        return super().__call__(request)


AUTH = [TokenAuth(), BrowserSessionAuth()]
