"""Every refusal is JSON `{"detail": sentence, "field": name or null}`.

Service refusals (CaseError) keep the service's sentence: 400, 403 for Forbidden, 404 for a case
that is unknown or belongs to another organisation (the two look the same). Schema validation
gives 400 with one sentence per invalid field."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from casedesk.cases import services as cs

from .parser import BadText

UNAUTHORIZED = (
    "Send a valid API token as 'Authorization: Bearer <token>'; create one at /api/tokens/."
)
CSRF_FAILED = (
    "CSRF check failed: a browser session must send the csrftoken cookie's value in an "
    "X-CSRFToken header (scripts use a Bearer token instead)."
)
# A pydantic `loc` starts with where a parameter came from, then the name of the endpoint
# argument that holds a schema (`payload`, `filters`), then the field.
_SOURCES = {"body", "query", "path", "form", "file", "header", "cookie"}
_WRAPPERS = {"payload", "filters"}
_Handler = TypeVar("_Handler", bound=Callable[..., HttpResponse])


def error(
    api: NinjaAPI, request: HttpRequest, status: int, detail: str, field: str = ""
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "field": field or None}, status=status)


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if not isinstance(p, int)]
    if parts and parts[0] in _SOURCES:
        parts.pop(0)
    if len(parts) > 1 and parts[0] in _WRAPPERS:
        parts.pop(0)
    return ".".join(parts)


def _sentence(field: str, err: dict[str, Any]) -> str:
    label = (field.rsplit(".", 1)[-1] or "The request").replace("_", " ").capitalize()
    kind = err.get("type", "")
    if kind == "missing":
        return f"{label} is required."
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{label} must be a whole number."
    if kind == "string_type":
        return f"{label} must be text."
    if kind in ("bool_parsing", "bool_type"):
        return f"{label} must be true or false."
    if kind == "json_invalid":
        return "The request body is not valid JSON."
    if kind in ("model_attributes_type", "dict_type", "model_type"):
        return "The request body must be a JSON object."
    msg = str(err.get("msg", "is invalid")).rstrip(".")
    return f"{label}: {msg[0].lower()}{msg[1:]}."


def _too_big() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return (
        f"The request body is over {limit} bytes (files excepted); send less text, and files "
        "as multipart uploads."
    )


def _unreadable(exc: Exception) -> tuple[str, str]:
    """(sentence, field) for a body Django or the parser could not read."""
    if isinstance(exc, BadText):
        return exc.message, exc.field
    if isinstance(exc, RequestDataTooBig):
        return _too_big(), ""
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return "The request sends too many fields or files; send fewer.", ""
    if isinstance(exc, MultiPartParserError):
        return "The multipart body cannot be read; send a well-formed multipart/form-data body.", ""
    return "The request body cannot be read.", ""


def _validation(api: NinjaAPI, request: HttpRequest, exc: ValidationError) -> HttpResponse:
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    for err in exc.errors:
        field = _field(err.get("loc", ()))
        if field in seen:  # one sentence per field
            continue
        seen.add(field)
        items.append({"field": field or None, "detail": _sentence(field, err)})
    body = {
        "detail": " ".join(item["detail"] for item in items) or "The request is invalid.",
        "field": items[0]["field"] if items else None,
        "errors": items,
    }
    return api.create_response(request, body, status=400)


def install(api: NinjaAPI) -> None:
    def on(exc_class: type[Exception]) -> Callable[[_Handler], _Handler]:
        return api.exception_handler(exc_class)

    @on(cs.CaseNotFound)
    def not_found(request: HttpRequest, exc: cs.CaseNotFound) -> HttpResponse:
        return error(api, request, 404, exc.message, exc.field)

    @on(cs.Forbidden)
    def forbidden(request: HttpRequest, exc: cs.Forbidden) -> HttpResponse:
        return error(api, request, 403, exc.message, exc.field)

    @on(cs.CaseError)
    def refused(request: HttpRequest, exc: cs.CaseError) -> HttpResponse:
        return error(api, request, 400, exc.message, exc.field)

    @on(Http404)
    def missing(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error(api, request, 404, str(exc) or "Not found.")

    @on(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = error(api, request, 401, UNAUTHORIZED)
        response["WWW-Authenticate"] = 'Bearer realm="casedesk"'
        return response

    @on(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        detail = str(exc)
        if "CSRF" in detail:
            detail = CSRF_FAILED
        elif detail.startswith("Cannot parse request body"):
            # Ninja wraps what reading the body raised; say which of the reasons it was.
            cause = exc.__cause__
            if isinstance(cause, BadText | RequestDataTooBig | MultiPartParserError):
                detail, field = _unreadable(cause)
                return error(api, request, 400, detail, field)
            detail = "The request body is not valid JSON."
        return error(api, request, exc.status_code, detail)

    # Raised by query strings and forms (the parser) and by Django reading a body: the same
    # JSON error shape as every refusal, not Django's HTML 400 page.
    @on(BadText)
    @on(MultiPartParserError)
    @on(SuspiciousOperation)
    @on(BadRequest)
    def unreadable(request: HttpRequest, exc: Exception) -> HttpResponse:
        if isinstance(exc, SuspiciousOperation):  # logged where Django logs them itself
            logging.getLogger(f"django.security.{type(exc).__name__}").error(str(exc))
        detail, field = _unreadable(exc)
        return error(api, request, 400, detail, field)

    @on(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return _validation(api, request, exc)
