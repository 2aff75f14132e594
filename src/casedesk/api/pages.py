"""The page where a signed-in person creates and revokes their own API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from casedesk.customers.models import DEFAULT_TIME_ZONE
from casedesk.customers.roles import contact_of, is_agent
from casedesk.lib.inputs import parse_id
from casedesk.lib.prg import post_only
from casedesk.lib.requests import SignedInRequest

from .models import ApiToken
from .tokens import TokenError, create_token, revoke_token


def _render(request: SignedInRequest, status: int = 200, **extra: object) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user).order_by("revoked_at", "-created_at")
    contact = contact_of(request.user)
    side = "portal" if contact is not None else ("console" if is_agent(request.user) else "")
    # Times as everywhere else: the contact's own zone, or the terms' zone for engineers.
    tz = contact.time_zone if contact is not None else DEFAULT_TIME_ZONE
    zone = "your time zone" if contact is not None else "the terms' zone"
    context = {
        "tokens": tokens,
        "side": side,
        "tz": tz,
        "zone_note": f"Times in {zone} ({tz}).",
        **extra,
    }
    return render(request, "api/tokens.html", context, status=status)


def _to_confirm(request: SignedInRequest) -> ApiToken | None:
    """The token named by ?revoke=, if it is the signer's own and still active."""
    pk = parse_id(request.GET.get("revoke", ""))
    if pk is None:
        return None
    return ApiToken.objects.filter(pk=pk, user=request.user, revoked_at__isnull=True).first()


@login_required
def tokens(request: SignedInRequest) -> HttpResponse:
    if request.method != "POST":
        return _render(request, confirm=_to_confirm(request))
    name = request.POST.get("name", "")
    try:
        token, secret = create_token(request.user, name)
    except TokenError as exc:
        return _render(request, error=exc.message, name=name, status=400)
    # The secret is shown in this response only; it is never stored or put in the session.
    response = _render(request, created=token, secret=secret)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@post_only("api-tokens")
def revoke(request: SignedInRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=pk, user=request.user).first()
    if token is None:  # someone else's token looks like no token
        raise Http404("No such token.")
    if revoke_token(token):
        messages.success(request, f"Token {token.name!r} is revoked.")
    return redirect("api-tokens")
