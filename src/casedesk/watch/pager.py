"""Paging: a signed webhook per page, retried with backoff, every attempt stored.

Wire format (documented for receivers):
    POST <CASEDESK_PAGER_URL>
    Content-Type: application/json
    X-Casedesk-Delivery: <delivery id>        (also "id" in the body; the same on every retry)
    X-Casedesk-Signature: t=<unix seconds>, v1=<hex HMAC-SHA256(secret, f"{t}.{body}")>

A receiver checks the signature with `verify_signature` (it rejects a changed body or timestamp
and anything older than the tolerance) and drops delivery ids it has already processed
(`ReplayGuard`), so a captured request cannot be replayed and a retry is not paged twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import urllib.error
import urllib.request
import uuid
from collections import OrderedDict

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django_tasks import task

from casedesk.cases.models import Case
from casedesk.lib import clock
from casedesk.lib.links import console_case_url

from .models import DeliveryStatus, SlaAlert, WebhookDelivery

SIGNATURE_HEADER = "X-Casedesk-Signature"
DELIVERY_HEADER = "X-Casedesk-Delivery"
# Seconds before attempt n+1: 30 s, 1, 2, 4, 8, 16, 32 min, then 1 h; give up after 10 attempts.
MAX_ATTEMPTS = 10


def pager_url() -> str:
    return settings.CASEDESK_PAGER_URL


def pager_secret() -> str:
    return settings.CASEDESK_PAGER_SECRET


def backoff(attempts: int) -> dt.timedelta:
    base = settings.CASEDESK_PAGER_RETRY_SECONDS
    return dt.timedelta(seconds=min(base * 2 ** (attempts - 1), 3600))


# -- signing --------------------------------------------------------------------------------------


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def sign(body: bytes, secret: str, now: dt.datetime) -> str:
    """The X-Casedesk-Signature value for `body` sent at `now`."""
    t = int(now.timestamp())
    return f"t={t}, v1={_mac(secret, t, body)}"


def _parse(header: str) -> tuple[int, list[str]] | None:
    timestamp, macs = None, []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isdigit():
            timestamp = int(value)
        elif name == "v1" and value:
            macs.append(value)
    return (timestamp, macs) if timestamp is not None and macs else None


def verify_signature(
    body: bytes, header: str, secret: str, now: dt.datetime, tolerance: int = 300
) -> bool:
    """True when `header` signs exactly `body` with `secret` within `tolerance` seconds of `now`."""
    parsed = _parse(header or "")
    if parsed is None or not secret:
        return False
    timestamp, macs = parsed
    if abs(now.timestamp() - timestamp) > tolerance:
        return False
    expected = _mac(secret, timestamp, body)
    return any(hmac.compare_digest(expected, m) for m in macs)


class ReplayGuard:
    """Remembers the delivery ids a receiver accepted within the signature tolerance.

    Anything older than the tolerance fails `verify_signature` anyway, so the memory is bounded
    by the deliveries of one tolerance window.
    """

    def __init__(self, tolerance: int = 300) -> None:
        self.tolerance = tolerance
        self._seen: OrderedDict[str, float] = OrderedDict()

    def accept(
        self, body: bytes, header: str, delivery_id: str, secret: str, now: dt.datetime
    ) -> bool:
        """Verify and record; False for a bad signature or an id already accepted."""
        self._forget(now.timestamp())
        if not verify_signature(body, header, secret, now, self.tolerance):
            return False
        if not delivery_id or delivery_id in self._seen:
            return False
        self._seen[delivery_id] = now.timestamp()
        return True

    def _forget(self, now: float) -> None:
        while self._seen and next(iter(self._seen.values())) < now - 2 * self.tolerance:
            self._seen.popitem(last=False)


# -- deliveries -----------------------------------------------------------------------------------


def page_body(case: Case, alert: SlaAlert, delivery_id: str) -> str:
    payload = {
        "id": delivery_id,
        "event": "casedesk.page",
        "case": case.tracking_number,
        "customer": case.customer.name,
        "level": case.level,
        "severity": case.severity,
        "requested_severity": case.requested_severity,
        "severity_request": case.severity_request,
        "subject": case.subject,
        "received_at": case.received_at.isoformat(),
        "response_deadline": (
            case.response_deadline.isoformat() if case.response_deadline else None
        ),
        "url": console_case_url(case.tracking_number),
        "alert": alert.kind,
    }
    return json.dumps(payload, sort_keys=True)


def create_delivery(case: Case, alert: SlaAlert, now: dt.datetime) -> WebhookDelivery:
    """Record the page (inside the caller's transaction); the first attempt runs after commit."""
    delivery_id = str(uuid.uuid4())
    delivery = WebhookDelivery.objects.create(
        alert=alert,
        case=case,
        delivery_id=delivery_id,
        url=pager_url(),
        body=page_body(case, alert, delivery_id),
        next_attempt_at=now,
        created_at=now,
    )
    transaction.on_commit(lambda: _enqueue(delivery.pk))
    return delivery


def _enqueue(delivery_id: int) -> None:
    deliver_page_task.enqueue(delivery_id)


@task()
def deliver_page_task(delivery_id: int) -> bool:
    """The first attempt, right after the commit; the sweep retries the rest. Safe to run twice
    (recovery runs a killed worker's task again): `_claim` is a compare-and-set on the delivery's
    `next_attempt_at`, and receivers drop a delivery id they have seen."""
    return attempt(delivery_id, clock.now())


def _claim(delivery_id: int, now: dt.datetime) -> WebhookDelivery | None:
    """Compare-and-set on next_attempt_at: one sender per attempt, on SQLite and PostgreSQL."""
    d = WebhookDelivery.objects.filter(pk=delivery_id).first()
    if d is None or d.next_attempt_at is None or d.next_attempt_at > now:
        return None
    # While the attempt runs, the next one is already scheduled: a crash retries it.
    lease = now + backoff(d.attempts + 1)
    claimed = WebhookDelivery.objects.filter(
        pk=d.pk, next_attempt_at=d.next_attempt_at, status=DeliveryStatus.PENDING
    ).update(next_attempt_at=lease, attempts=F("attempts") + 1)
    if claimed != 1:
        return None
    d.attempts += 1
    d.next_attempt_at = lease
    return d


def attempt(delivery_id: int, now: dt.datetime) -> bool:
    """One attempt if due: POST, store the outcome. True when this attempt delivered it."""
    d = _claim(delivery_id, now)
    if d is None:
        return False
    body = d.body.encode()
    request = urllib.request.Request(  # noqa: S310 - the operator's configured https/http URL
        d.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "casedesk-pager",
            DELIVERY_HEADER: d.delivery_id,
            SIGNATURE_HEADER: sign(body, pager_secret(), now),
        },
    )
    code, error = None, ""
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            code = response.status
    except urllib.error.HTTPError as exc:
        code, error = exc.code, f"HTTP {exc.code} {exc.reason}"
    except (urllib.error.URLError, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}"
    return _store_outcome(d, code, error, now)


def _store_outcome(d: WebhookDelivery, code: int | None, error: str, now: dt.datetime) -> bool:
    ok = code is not None and 200 <= code < 300
    fields: dict[str, object] = {"last_status_code": code, "last_error": error[:2000]}
    if ok:
        fields |= {"status": DeliveryStatus.DELIVERED, "delivered_at": now, "next_attempt_at": None}
    elif d.attempts >= MAX_ATTEMPTS or (code is not None and code in (400, 401, 403, 404, 410)):
        # A permanent refusal (or the last attempt): retrying cannot help.
        fields |= {"status": DeliveryStatus.FAILED, "next_attempt_at": None}
    else:
        fields["next_attempt_at"] = now + backoff(d.attempts)
    WebhookDelivery.objects.filter(pk=d.pk, attempts=d.attempts).update(**fields)
    return ok


def deliver_due(now: dt.datetime, limit: int = 100) -> int:
    """Attempt every delivery whose next attempt is due; returns how many were delivered."""
    due = WebhookDelivery.objects.filter(next_attempt_at__lte=now).order_by("next_attempt_at")
    ids = list(due.values_list("pk", flat=True)[:limit])
    return sum(attempt(pk, now) for pk in ids)


def deliveries_for(case: Case) -> list[WebhookDelivery]:
    """A case's pages, newest first, for the case page."""
    return list(WebhookDelivery.objects.filter(case=case).order_by("-created_at"))
