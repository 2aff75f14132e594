"""Refuse NUL characters in the path and the query string before any view or database sees
them: PostgreSQL can neither store nor compare text holding one, and no casedesk address or
filter has one. Form fields refuse NUL themselves (Django's CharField), the API's JSON and
form bodies in casedesk.api.parser."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

API_PREFIX = "/api/"


def _problem(request: HttpRequest) -> tuple[str | None, str] | None:
    """(field, sentence) naming the first NUL, or None."""
    if "\x00" in request.path:
        return None, "The address contains a NUL character (%00); remove it."
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            shown = name.replace("\x00", "%00")
            return (
                shown,
                f"The query parameter {shown!r} contains a NUL character (%00); remove it.",
            )
    return None


def refuse_nul(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[..., HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        problem = _problem(request)
        if problem is None:
            return get_response(request)
        field, sentence = problem
        if request.path.startswith(API_PREFIX):  # the API's error shape
            return JsonResponse({"detail": sentence, "field": field}, status=400)
        return render(request, "core/bad_request.html", {"message": sentence}, status=400)

    return middleware
