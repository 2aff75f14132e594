from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from casedesk.api.errors import CSRF_FAILED, UNAUTHORIZED
from casedesk.api.models import ApiToken, token_hash
from casedesk.api.tokens import create_token, revoke_token
from casedesk.lib import clock

from .conftest import NOW, Caller, refused

pytestmark = pytest.mark.django_db


def test_it_says_who_the_token_belongs_to(alice, agent):
    assert alice.get("/api/me").json() == {
        "username": "alice",
        "role": "contact",
        "organisation": "acme",
    }
    assert agent.get("/api/me").json() == {
        "username": "agent",
        "role": "engineer",
        "organisation": None,
    }


def test_it_stores_only_the_hash_and_records_use(world, now, openapi_doc):
    token, secret = create_token(world.alice.user, "cron")
    assert token.token_hash == token_hash(secret) != secret
    assert secret.startswith("cdk_") and token.prefix == secret[:12]
    assert Caller(openapi_doc, secret).get("/api/me").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == NOW


@pytest.mark.parametrize("header", [None, "Bearer cdk_wrong", "Token abc", "Bearer "])
def test_a_missing_or_wrong_token_is_a_401(world, openapi_doc, header):
    headers = {"Authorization": header} if header else {}
    response = Client().get("/api/cases", headers=headers)
    refused(response, 401, UNAUTHORIZED)
    assert response["WWW-Authenticate"] == 'Bearer realm="casedesk"'


def test_a_revoked_token_is_a_401(alice):
    token = ApiToken.objects.get(token_hash=token_hash(alice.token))
    assert revoke_token(token)
    assert not revoke_token(token)  # a second revoke changes nothing
    refused(alice.get("/api/cases"), 401, UNAUTHORIZED)
    refused(alice.post("/api/cases", {"subject": "x"}), 401, UNAUTHORIZED)


def test_a_deactivated_users_token_is_a_401(alice, world):
    world.alice.user.is_active = False
    world.alice.user.save(update_fields=["is_active"])
    refused(alice.get("/api/me"), 401, UNAUTHORIZED)


def test_a_token_cannot_be_created_twice_under_one_name(world, now):
    from casedesk.api.tokens import TokenError

    create_token(world.alice.user, "cron")
    with pytest.raises(TokenError, match="alice already has a live token named 'cron'"):
        create_token(world.alice.user, "cron")


def test_a_signed_in_browser_reads_with_its_session(world, now, openapi_doc):
    browser = Caller(openapi_doc, None)
    browser.client.force_login(world.alice.user)
    assert browser.get("/api/me").json()["username"] == "alice"


def test_a_session_post_without_the_csrf_token_is_refused(world, now, openapi_doc):
    browser = Caller(openapi_doc, None, Client(enforce_csrf_checks=True))
    browser.client.force_login(world.alice.user)
    refused(browser.post("/api/cases", {"subject": "x"}), 403, CSRF_FAILED)
    # With the cookie's value in the header, as a page's script sends it.
    browser.client.get("/api/tokens/")
    csrf = browser.client.cookies["csrftoken"].value
    response = browser.client.post(
        "/api/cases",
        '{"subject": "Opened from the browser"}',
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 201


def test_a_token_request_needs_no_csrf_token(world, now, openapi_doc):
    _, secret = create_token(world.alice.user, "script")
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.alice.user)  # a session cookie alongside does not matter
    response = client.post(
        "/api/cases",
        '{"subject": "From a script"}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 201


def test_use_is_recorded_at_most_once_a_minute(alice):
    token = ApiToken.objects.get(token_hash=token_hash(alice.token))
    alice.get("/api/me")
    later = NOW + dt.timedelta(seconds=30)
    with clock.pinned(later):
        alice.get("/api/me")
    token.refresh_from_db()
    assert token.last_used_at == NOW
    with clock.pinned(NOW + dt.timedelta(minutes=2)):
        alice.get("/api/me")
    token.refresh_from_db()
    assert token.last_used_at == NOW + dt.timedelta(minutes=2)
