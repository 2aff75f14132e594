"""The site's URLs plus views that fail on purpose, to see the error pages a person gets."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from casedesk.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500"]


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def unreadable(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("bad header")


def throttled(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(status=429)
    response["Retry-After"] = "60"
    return response


urlpatterns = [
    path("test/boom", boom),
    path("test/forbidden", forbidden),
    path("test/unreadable", unreadable),
    path("test/throttled", throttled),
    *urlpatterns,
]
