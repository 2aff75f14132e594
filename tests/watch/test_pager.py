"""Paging: signed webhooks, verified by a receiver, retried after a 500 against a real HTTP server."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from casedesk.cases import services as cs
from casedesk.lib import clock
from casedesk.watch import pager
from casedesk.watch.models import SlaAlert, WebhookDelivery
from casedesk.watch.schedule import _page, pages
from casedesk.watch.sweep import sweep
from tests.cases.helpers import pt

SECRET = "s3cret-for-tests"
NOW = dt.datetime(2026, 3, 10, 17, 0, tzinfo=dt.UTC)
BODY = b'{"id": "d-1", "case": "CASE-1"}'


def test_it_accepts_a_signed_body():
    header = pager.sign(BODY, SECRET, NOW)
    assert header.startswith(f"t={int(NOW.timestamp())}, v1=")
    assert pager.verify_signature(BODY, header, SECRET, NOW + dt.timedelta(seconds=299)) is True


def test_it_rejects_a_tampered_body_timestamp_or_secret():
    header = pager.sign(BODY, SECRET, NOW)
    assert pager.verify_signature(BODY.replace(b"1", b"2"), header, SECRET, NOW) is False
    t = int(NOW.timestamp())
    moved = header.replace(f"t={t}", f"t={t + 60}")
    assert pager.verify_signature(BODY, moved, SECRET, NOW) is False
    assert pager.verify_signature(BODY, header, "other", NOW) is False
    assert pager.verify_signature(BODY, "", SECRET, NOW) is False
    assert pager.verify_signature(BODY, "t=abc, v1=00", SECRET, NOW) is False


def test_it_rejects_a_replay_outside_the_tolerance():
    header = pager.sign(BODY, SECRET, NOW)
    assert pager.verify_signature(BODY, header, SECRET, NOW + dt.timedelta(seconds=301)) is False


def test_the_replay_guard_accepts_a_delivery_once():
    guard = pager.ReplayGuard()
    header = pager.sign(BODY, SECRET, NOW)
    assert guard.accept(BODY, header, "d-1", SECRET, NOW) is True
    # The same request captured and sent again, within the tolerance:
    assert guard.accept(BODY, header, "d-1", SECRET, NOW + dt.timedelta(seconds=5)) is False
    # A retry of the same delivery, freshly signed: still the same delivery, dropped.
    again = pager.sign(BODY, SECRET, NOW + dt.timedelta(seconds=30))
    assert guard.accept(BODY, again, "d-1", SECRET, NOW + dt.timedelta(seconds=30)) is False
    # Tampered: refused before the guard remembers anything.
    assert guard.accept(BODY + b" ", header, "d-2", SECRET, NOW) is False
    assert guard.accept(BODY, header, "d-2", SECRET, NOW) is True


class Receiver:
    """An on-call service on loopback: answers 500 first, then verifies and accepts."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes, int]] = []
        self.guard = pager.ReplayGuard()
        self.now = NOW
        self.fail_next = 1
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if outer.fail_next:
                    outer.fail_next -= 1
                    code = 500
                else:
                    ok = outer.guard.accept(
                        body,
                        self.headers[pager.SIGNATURE_HEADER],
                        self.headers[pager.DELIVERY_HEADER],
                        SECRET,
                        outer.now,
                    )
                    code = 200 if ok else 401
                outer.requests.append((dict(self.headers), body, code))
                self.send_response(code)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/page"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    r = Receiver()
    settings.CASEDESK_PAGER_URL = r.url
    settings.CASEDESK_PAGER_SECRET = SECRET
    yield r
    r.close()


def test_it_pages_a_sev1_request_and_retries_after_a_500(world, receiver, mailoutbox, settings):
    settings.CASEDESK_BASE_URL = "https://desk.example.com/support"
    received = pt(2026, 3, 10, 10, 0)
    with clock.pinned(received):
        case = cs.open_case(world.alice, channel="web", subject="All down", requested_severity=1)
    receiver.now = received
    assert sweep(received) == 1  # the page is recorded and attempted once: 500
    delivery = WebhookDelivery.objects.get(case=case)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert delivery.next_attempt_at == received + dt.timedelta(seconds=30)
    assert pager.deliver_due(received + dt.timedelta(seconds=29)) == 0

    later = received + dt.timedelta(seconds=30)
    receiver.now = later
    assert pager.deliver_due(later) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 2, 200)
    assert pager.deliveries_for(case) == [delivery]
    assert [code for _, _, code in receiver.requests] == [500, 200]
    first, second = receiver.requests
    assert first[0][pager.DELIVERY_HEADER] == second[0][pager.DELIVERY_HEADER]
    assert first[0][pager.SIGNATURE_HEADER] != second[0][pager.SIGNATURE_HEADER]  # re-signed
    payload = json.loads(second[1])
    assert payload["case"] == case.tracking_number
    # The engineer's link: the console case page on the public base URL.
    assert (
        payload["url"] == f"https://desk.example.com/support/console/cases/{case.tracking_number}/"
    )
    assert (payload["severity"], payload["requested_severity"]) == (3, 1)
    assert SlaAlert.objects.get(case=case, kind="page").status == "paged"
    # Paged, not mailed: the one mail is the contact's acknowledgement.
    assert [m.extra_headers.get("X-Casedesk-Alert") for m in mailoutbox] == [None]

    # Replaying the accepted request to the receiver is refused.
    headers, body, _ = second
    assert not receiver.guard.accept(
        body, headers[pager.SIGNATURE_HEADER], headers[pager.DELIVERY_HEADER], SECRET, later
    )
    assert pager.deliver_due(later + dt.timedelta(hours=2)) == 0  # nothing left to send


def test_it_pages_once_per_case(world, receiver):
    received = pt(2026, 3, 10, 10, 0)
    with clock.pinned(received):
        case = cs.open_case(world.alice, channel="web", subject="All down", requested_severity=1)
    receiver.fail_next = 0
    assert sweep(received) == 1
    with clock.pinned(received + dt.timedelta(minutes=5)):
        cs.confirm_severity_request(world.agent, case)  # now Severity 1: already paged
    assert sweep(received + dt.timedelta(minutes=5)) == 0
    assert WebhookDelivery.objects.filter(case=case).count() == 1


def test_it_gives_up_on_a_permanent_refusal(world, receiver):
    received = pt(2026, 3, 10, 10, 0)
    with clock.pinned(received):
        cs.open_case(world.alice, channel="web", subject="All down", requested_severity=1)
    receiver.fail_next = 0
    receiver.now = received - dt.timedelta(hours=1)  # the receiver's clock disagrees: 401
    sweep(received)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_status_code, delivery.next_attempt_at) == (
        "failed",
        401,
        None,
    )


def test_it_does_not_page_business_hours_levels_out_of_hours(world):
    friday_evening = pt(2026, 3, 13, 18, 0)
    with clock.pinned(friday_evening):
        case = cs.open_case(world.bob, channel="web", subject="Down", requested_severity=1)
    terms = case.terms_version.terms
    assert pages(case, terms) is False  # the default terms page 24x7 levels only
    # With paging switched on for business-hours levels, the page waits for Monday 09:00.
    paging = terms.model_copy(
        update={"alerts": terms.alerts.model_copy(update={"page_business_hours": True})}
    )
    page = _page(case, paging, friday_evening)
    assert page is not None
    assert page.at == pt(2026, 3, 16, 9, 0)
