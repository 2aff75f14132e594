"""The sign-in failure limit: counted on the normalised username, per account and address, with
an atomic count, a trusted proxy header only when configured, and a slow-down (not a lock-out)
for an account guessed at from many addresses."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import connection
from django.test import Client

from casedesk.lib import clock
from casedesk.mail import outbox
from casedesk.signin import limits
from casedesk.signin.models import AttemptCounter

T0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
LOCKED = "Too many failed sign-ins for this account; try again in"


def sent(mailoutbox=None):  # type: ignore[no-untyped-def]
    """Mail the outbox holds, handed to the mail server as the worker would, then what it got."""
    outbox.deliver_due(clock.now() + dt.timedelta(days=1))
    return mailoutbox


@pytest.fixture(autouse=True)
def _pinned():
    with clock.pinned(T0):
        yield


def sign_in(client, username, password, address="10.0.0.1", **headers):
    return client.post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def test_it_counts_spellings_of_one_login_together(client, world):
    # NFKC and stripping make all of these the login "alice", so they share one count.
    for spelling in ["alice", " alice", "ａｌｉｃｅ", "alice ", "\u1d43lice"]:
        assert sign_in(client, spelling, "wrong").status_code == 200
    response = sign_in(client, "alice", "pw")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "or reset your password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_full_width_spelling_signs_in_as_the_same_login(client, world):
    response = sign_in(client, "ａｌｉｃｅ", "pw")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.alice.user.pk)


def test_other_case_is_another_login_as_the_backend_compares(client, world):
    for _ in range(5):
        sign_in(client, "ALICE", "wrong")
    assert sign_in(client, "ALICE", "wrong").status_code == 429
    assert sign_in(client, "alice", "pw").status_code == 302


def test_a_locked_attempt_never_checks_the_password(client, world):
    checked = []

    def count(**kwargs):
        checked.append(kwargs)

    user_login_failed.connect(count)
    user_logged_in.connect(count)
    try:
        for _ in range(5):
            sign_in(client, "alice", "wrong")
        for password in ["wrong", "pw"]:
            assert sign_in(client, "alice", password).status_code == 429
    finally:
        user_login_failed.disconnect(count)
        user_logged_in.disconnect(count)
    assert len(checked) == 5


def test_the_lock_holds_one_address_and_ends_with_its_window(client, world):
    for _ in range(5):
        sign_in(client, "alice", "wrong", address="10.0.0.1")
    response = sign_in(client, "alice", "pw", address="10.0.0.1")
    assert response.status_code == 429 and response["Retry-After"] == "900"
    assert "try again in 15 minutes" in response.content.decode()
    assert sign_in(Client(), "alice", "pw", address="10.0.0.2").status_code == 302
    with clock.pinned(T0 + dt.timedelta(minutes=15, seconds=1)):
        assert sign_in(client, "alice", "pw", address="10.0.0.1").status_code == 302


def test_a_successful_sign_in_starts_the_count_again(client, world):
    for _ in range(4):
        sign_in(client, "alice", "wrong")
    assert sign_in(client, "alice", "pw").status_code == 302
    client.logout()
    for _ in range(4):
        assert sign_in(client, "alice", "wrong").status_code == 200
    assert sign_in(client, "alice", "pw").status_code == 302


def test_one_address_guessing_many_logins_is_stopped(client, world):
    names = [f"user{i}" for i in range(30)]
    for name in names:
        assert sign_in(client, name, "wrong", address="10.9.9.9").status_code == 200
    response = sign_in(client, "alice", "pw", address="10.9.9.9")
    assert response.status_code == 429
    assert "Too many failed sign-ins from your address" in response.content.decode()


def test_a_forwarded_header_is_ignored_unless_configured(client, world):
    for i in range(5):
        sign_in(client, "alice", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
    assert sign_in(client, "alice", "pw", HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


def test_behind_a_trusted_proxy_its_header_names_the_client(client, world, settings):
    settings.CASEDESK_TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    proxy = "127.0.0.1"
    for _ in range(5):
        # The left entry is the client's own claim; the proxy appended the right-most one.
        forged = f"198.51.100.{_}, 203.0.113.7"
        sign_in(client, "alice", "wrong", address=proxy, HTTP_X_FORWARDED_FOR=forged)
    locked = sign_in(client, "alice", "pw", address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert locked.status_code == 429
    other = sign_in(Client(), "alice", "pw", address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert other.status_code == 302


def test_ipv6_addresses_count_per_64_block():
    class Request:
        headers: dict[str, str] = {}

        def __init__(self, addr):
            self.META = {"REMOTE_ADDR": addr}

    assert limits.client_address(Request("2001:db8:1:2::5")) == "2001:db8:1:2::/64"
    assert limits.client_address(Request("2001:db8:1:2:ffff::1")) == "2001:db8:1:2::/64"
    assert limits.client_address(Request("::ffff:192.0.2.4")) == "192.0.2.4"


def test_guessing_from_many_addresses_slows_the_account_and_mails_its_owner(
    client, world, mailoutbox
):
    for i in range(20):
        assert sign_in(Client(), "alice", "wrong", address=f"10.1.0.{i}").status_code == 200
    assert sent(mailoutbox) == []
    assert sign_in(Client(), "alice", "wrong", address="10.1.1.1").status_code == 200
    assert len(sent(mailoutbox)) == 1
    assert sent(mailoutbox)[0].to == [world.alice.user.email]
    assert "alice" in sent(mailoutbox)[0].body and "30 seconds" in sent(mailoutbox)[0].body

    refused = sign_in(client, "alice", "pw", address="10.1.2.2")
    assert refused.status_code == 429
    assert "one attempt every 30 seconds; try again in 30 seconds" in refused.content.decode()
    # Slowed, not locked: half a minute later the owner signs in from a fresh address.
    with clock.pinned(T0 + dt.timedelta(seconds=31)):
        assert sign_in(client, "alice", "pw", address="10.1.2.2").status_code == 302
    assert len(sent(mailoutbox)) == 1


def test_the_admin_signs_in_through_the_limited_page(client, world):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"] == "/login/?next=/admin/"


@pytest.mark.django_db(transaction=True)
def test_32_concurrent_wrong_passwords_check_at_most_the_limit():
    get_user_model().objects.create_user("dana", "dana@example.com", "right-password")
    checked = []
    lock = threading.Lock()

    def count(**kwargs):
        with lock:
            checked.append(1)

    statuses: list[int] = []
    barrier = threading.Barrier(32)

    def guess():
        try:
            barrier.wait()
            response = sign_in(Client(), "dana", "wrong", address="10.2.0.1")
            with lock:
                statuses.append(response.status_code)
        finally:
            connection.close()

    user_login_failed.connect(count)
    try:
        threads = [threading.Thread(target=guess) for _ in range(32)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        user_login_failed.disconnect(count)
    assert len(checked) == limits.LOGIN_PAIR.attempts
    assert sorted(statuses) == [200] * 5 + [429] * 27


def test_counters_past_every_window_are_deleted(world):
    limits.charge("old", dt.timedelta(minutes=15), T0)
    limits.charge("new", dt.timedelta(minutes=15), T0 + dt.timedelta(minutes=61))
    assert list(AttemptCounter.objects.values_list("key", flat=True)) == ["new"]


def test_guessing_from_a_signed_in_session_still_counts(client, world):
    assert sign_in(client, "bob", "pw").status_code == 302
    for _ in range(5):
        assert sign_in(client, "alice", "wrong").status_code == 200
    assert sign_in(client, "alice", "pw").status_code == 429
