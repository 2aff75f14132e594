"""Branded error pages (400/403/404/405/429/500): what happened in one sentence and a way back
to where the reader belongs (the portal for contacts, the console for engineers, the sign-in
page for visitors). The API keeps its JSON errors."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template import loader
from django.urls import reverse

from casedesk.customers.roles import contact_of, is_agent

API_PREFIX = "/api/"

# Status: (title, sentence). Said to anyone, so they reveal nothing about what exists.
PAGES = {
    400: (
        "This request cannot be read",
        "The page received something it could not understand; go back and try again.",
    ),
    403: (
        "Not allowed",
        "Your login may not do this. If you think it should, ask a support manager.",
    ),
    404: (
        "Page not found",
        "There is no page at this address, or it is not yours to see.",
    ),
    405: (
        "This address is for forms only",
        "This address only accepts a submitted form; open the page the form is on instead.",
    ),
    429: (
        "Too many attempts",
        "Too many requests came from you in a short time; wait a minute, then try again.",
    ),
    500: (
        "Something went wrong on our side",
        "The page could not be shown because of an error in casedesk; it has been logged. "
        "Try again in a few minutes.",
    ),
}


def way_back(request: HttpRequest) -> tuple[str, str]:
    """(url, label) of the reader's home: console, portal or sign-in."""
    user = getattr(request, "user", None)
    if is_agent(user):
        return reverse("console:queue"), "Back to the console"
    if contact_of(user) is not None:
        return reverse("portal:cases"), "Back to your cases"
    if user is not None and user.is_authenticated:
        return reverse("home"), "Back to the start page"
    return reverse("login"), "Sign in"


def error_page(request: HttpRequest, status: int) -> HttpResponse:
    title, sentence = PAGES[status]
    url, label = way_back(request)
    context = {"status": status, "title": title, "sentence": sentence, "back": url, "label": label}
    context["zone_note"] = ""  # an error page shows no times
    return render(request, "core/errors/error.html", context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context and no database: the error may be the database itself.
    title, sentence = PAGES[500]
    context = {"status": 500, "title": title, "sentence": sentence, "back": "/"}
    context["label"] = "Back to the start page"
    return HttpResponse(loader.get_template("core/errors/error.html").render(context), status=500)


def brand_bare_errors(
    get_response: Callable[[HttpRequest], HttpResponseBase],
) -> Callable[[HttpRequest], HttpResponseBase]:
    """Give a page to the 405s and 429s that come back empty (Django's method checks, the
    logout view); keep their Allow and Retry-After headers."""

    def middleware(request: HttpRequest) -> HttpResponseBase:
        response = get_response(request)
        bare = (
            response.status_code in (405, 429) and not response.streaming and not response.content  # type: ignore[attr-defined]
        )
        if not bare or request.path.startswith(API_PREFIX):
            return response
        page = error_page(request, response.status_code)
        for header in ("Allow", "Retry-After"):
            if header in response:
                page[header] = response[header]
        return page

    return middleware
