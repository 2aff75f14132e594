"""Idempotency keys for the API's writes: a client that lost a response retries safely.

Every POST of the API accepts an `Idempotency-Key` header (any 1-255 visible ASCII characters;
a fresh UUID per intended request is a good key). One layer, installed on the whole API as a
Ninja "view" decorator (`IdempotentAPI`), so no endpoint carries code of its own:

- the first request with a key (per token, or per signed-in user for the browser's session)
  holds the key while it runs; its response is stored in the same transaction as the endpoint's
  own writes, so a crash either loses both (the retry runs it afresh) or keeps both (the retry
  gets the stored response): the change happens once;
- a retry with the same key and the same request (method, path, body) gets the stored response
  again for 24 hours, same status and body, with `Idempotent-Replayed: true`;
- the same key with a different request is refused (422), and a retry while the first still
  runs gets 409 with Retry-After; a key whose request crashed is taken over once its hold
  (CASEDESK_IDEMPOTENCY_LOCK_SECONDS, longer than the server's request timeout) has passed.

Refusals that never reach the endpoint (a bad token, a failed CSRF check) and server errors
(5xx, whose changes are rolled back) are not stored: a retry runs again. Expired keys are
deleted by `casedesk worker` (`purge_expired`).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.http.response import HttpResponseBase
from django.utils.crypto import get_random_string
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from casedesk.lib import clock, txfiles

from .models import ApiToken, IdempotentRequest

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
KEEP_FOR = dt.timedelta(hours=24)
MAX_KEY = 255

BAD_KEY = (
    "The Idempotency-Key header must be 1 to 255 visible ASCII characters; send a new UUID "
    "for each request you mean to make once."
)
OTHER_REQUEST = (
    "This Idempotency-Key was already used for a different request (another method, path or "
    "body). Send exactly the original request again to get its response, or use a new key for "
    "a new request."
)
IN_PROGRESS = (
    "A request with this Idempotency-Key is still in progress; retry later (with the same key "
    "and body) to get its response."
)
DOCUMENTED = (
    "Optional. A key you choose (e.g. a new UUID) for a request you mean to make once. A retry "
    "with the same key and the same body within 24 hours gets the first response again (same "
    "status and body, with the header `Idempotent-Replayed: true`) instead of repeating the "
    "change; the same key with a different body is refused with 422; a retry while the first "
    "request is still running gets 409 (retry later)."
)

Run = Callable[..., HttpResponseBase]


@dataclass(frozen=True, slots=True)
class Held:
    record: IdempotentRequest


@dataclass(frozen=True, slots=True)
class Refused:
    status: int
    detail: str


Outcome = Held | Refused | IdempotentRequest  # a stored record: its response is replayed


# -- the layer ------------------------------------------------------------------------------------


def idempotent(run: Run) -> Run:
    """Wraps an operation's whole run (auth, parsing, the endpoint, the response)."""

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method != "POST" or HEADER not in request.headers:
            return run(request, *args, **kwargs)
        key = request.headers[HEADER].strip()
        if not _valid(key):
            return _refusal(Refused(400, BAD_KEY))
        scope = _scope(request)
        if scope is None:  # no credentials: the operation's own auth refuses it
            return run(request, *args, **kwargs)
        try:
            fingerprint = request_fingerprint(request)
        except (SuspiciousOperation, MultiPartParserError):
            return run(request, *args, **kwargs)  # too big or malformed: the run refuses it
        outcome = begin(scope, key, fingerprint, clock.now())
        if isinstance(outcome, Refused):
            return _refusal(outcome)
        if isinstance(outcome, IdempotentRequest):
            return replay(outcome)
        return _run_held(run, outcome.record, request, *args, **kwargs)

    return wrapper


def _run_held(
    run: Run, record: IdempotentRequest, request: HttpRequest, *args: Any, **kwargs: Any
) -> HttpResponseBase:
    keep = False
    try:
        # One transaction for the endpoint's changes and the stored response (see the docstring).
        with transaction.atomic():
            response = run(request, *args, **kwargs)
            keep = _storable(request, response)
            if not keep and response.status_code >= 500:
                transaction.set_rollback(True)
            elif keep and not finish(record, response):
                # The hold ran out and a retry took the key over: that retry's run counts.
                transaction.set_rollback(True)
                keep, response = True, _refusal(Refused(409, IN_PROGRESS))
    finally:
        if not keep:
            release(record)
        txfiles.settle()  # files of a rolled-back run (retry_on_lock leaves them to us)
    return response


def _storable(request: HttpRequest, response: HttpResponseBase) -> bool:
    """The endpoint ran and answered JSON that is not a server error."""
    authenticated = getattr(request, "auth", None) is not None
    is_json = response.get("Content-Type", "").startswith("application/json")
    ok = response.status_code < 500 and isinstance(response, HttpResponse)
    return authenticated and is_json and ok


def _refusal(refused: Refused) -> JsonResponse:
    response = JsonResponse({"detail": refused.detail, "field": HEADER}, status=refused.status)
    if refused.status == 409:
        response["Retry-After"] = "1"
    return response


def replay(record: IdempotentRequest) -> HttpResponse:
    response = HttpResponse(
        record.body, status=record.status_code or 200, content_type=record.content_type
    )
    response[REPLAYED] = "true"
    return response


def _valid(key: str) -> bool:
    return 0 < len(key) <= MAX_KEY and key.isascii() and key.isprintable()


def _scope(request: HttpRequest) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        found = ApiToken.objects.for_bearer(token.strip())
        return f"token:{found.pk}" if found else None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def request_fingerprint(request: HttpRequest) -> str:
    """What a retry must repeat: method, path with query, and body."""
    digest = hashlib.sha256(f"{request.method} {request.get_full_path()}\n".encode())
    if request.content_type == "multipart/form-data":
        # A client's retry may pick a new multipart boundary: compare the fields and files.
        for name, value in sorted(request.POST.lists()):
            digest.update(repr((name, value)).encode())
        for name, uploads in sorted(request.FILES.lists()):
            for upload in uploads:
                digest.update(repr((name, upload.name)).encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        digest.update(request.body)
    return digest.hexdigest()


# -- the stored keys ------------------------------------------------------------------------------


def _hold() -> dt.timedelta:
    return dt.timedelta(seconds=settings.CASEDESK_IDEMPOTENCY_LOCK_SECONDS)


def begin(scope: str, key: str, fingerprint: str, now: dt.datetime) -> Outcome:
    """Hold the key for this request, or say why not (a stored response, or a refusal)."""
    for _ in range(3):  # an expired key deleted, or a key released, between two looks
        held = _insert(scope, key, fingerprint, now)
        if held is not None:
            return Held(held)
        found = IdempotentRequest.objects.filter(scope=scope, key=key).first()
        if found is None:
            continue
        if found.expires_at <= now:
            IdempotentRequest.objects.filter(pk=found.pk, expires_at=found.expires_at).delete()
            continue
        return _existing(found, fingerprint, now)
    return Refused(409, IN_PROGRESS)


def _insert(scope: str, key: str, fingerprint: str, now: dt.datetime) -> IdempotentRequest | None:
    record = IdempotentRequest(
        scope=scope,
        key=key,
        fingerprint=fingerprint,
        holder=get_random_string(32),
        locked_until=now + _hold(),
        created_at=now,
        expires_at=now + KEEP_FOR,
    )
    try:
        with transaction.atomic():  # committed at once: a concurrent retry must see the hold
            record.save(force_insert=True)
    except IntegrityError:
        return None
    return record


def _existing(found: IdempotentRequest, fingerprint: str, now: dt.datetime) -> Outcome:
    if found.fingerprint != fingerprint:
        return Refused(422, OTHER_REQUEST)
    if found.locked_until is None:
        return found
    if found.locked_until > now:
        return Refused(409, IN_PROGRESS)
    # The request that held it crashed (its hold passed): take the key over, once.
    holder = get_random_string(32)
    taken = IdempotentRequest.objects.filter(
        pk=found.pk, holder=found.holder, locked_until=found.locked_until
    ).update(holder=holder, locked_until=now + _hold())
    if taken != 1:
        return Refused(409, IN_PROGRESS)
    found.holder = holder
    return Held(found)


def finish(record: IdempotentRequest, response: HttpResponseBase) -> bool:
    """Store the response, in the endpoint's transaction; False when the hold was lost."""
    assert isinstance(response, HttpResponse)
    content_type = response.get("Content-Type", "application/json")
    return store(record, response.status_code, content_type, response.content.decode())


def store(record: IdempotentRequest, status: int, content_type: str, body: str) -> bool:
    """Store the outcome a retry gets; False when the hold was lost to a retry."""
    held = IdempotentRequest.objects.filter(pk=record.pk, holder=record.holder)
    fields = {"status_code": status, "content_type": content_type, "body": body}
    return held.update(locked_until=None, **fields) == 1


def release(record: IdempotentRequest) -> None:
    """Nothing to replay: the next request with this key runs afresh."""
    IdempotentRequest.objects.filter(pk=record.pk, holder=record.holder).delete()


def purge_expired(now: dt.datetime, limit: int = 1000) -> int:
    """Delete keys older than 24 hours, a batch at a time (the worker calls it every sweep)."""
    expired = IdempotentRequest.objects.filter(expires_at__lt=now).order_by("expires_at")
    ids = list(expired.values_list("pk", flat=True)[:limit])
    deleted, _ = IdempotentRequest.objects.filter(pk__in=ids).delete()
    return deleted


# -- the API and its OpenAPI document -------------------------------------------------------------


class IdempotentAPI(NinjaAPI):
    """The NinjaAPI with the layer on every operation and the header in the OpenAPI document."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_decorator(idempotent, mode="view")  # before parsing: the whole run is wrapped

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            if "post" in operations:
                document(operations["post"])
        return schema


def document(operation: dict[str, Any]) -> None:
    parameter = {
        "in": "header",
        "name": HEADER,
        "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY},
        "description": DOCUMENTED,
    }
    operation.setdefault("parameters", []).append(parameter)
    responses = operation.setdefault("responses", {})
    # The refusals have the API's error shape, as its 400 documents it (Ninja keys statuses by
    # number until the document is serialised).
    content = responses.get(400, {}).get("content")
    for status, sentence in ((409, IN_PROGRESS), (422, OTHER_REQUEST)):
        documented = {"description": sentence, **({"content": content} if content else {})}
        responses.setdefault(status, documented)
