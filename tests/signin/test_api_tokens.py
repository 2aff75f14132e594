"""Wrong API tokens are limited per client address, like wrong passwords."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from casedesk.api.tokens import create_token
from casedesk.lib import clock

T0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _pinned():
    with clock.pinned(T0):
        yield


def me(token: str, address: str = "10.0.0.1"):
    return Client().get(
        "/api/me", headers={"Authorization": f"Bearer {token}"}, REMOTE_ADDR=address
    )


def test_an_address_sending_wrong_tokens_is_refused_for_a_while(world):
    _, secret = create_token(world.alice.user, "cron")
    for i in range(10):
        assert me(f"cdk_guess{i}").status_code == 401
    refused = me("cdk_guess10")
    assert refused.status_code == 429
    assert refused.json() == {
        "detail": "Too many requests with a wrong API token from your address; try again in "
        "15 minutes with a valid token (create one at /api/tokens/).",
        "field": None,
    }
    # A colleague's valid token from the same address (one office, one NAT) keeps working.
    assert me(secret).status_code == 200
    assert me("cdk_guess11", address="10.0.0.2").status_code == 401
    with clock.pinned(T0 + dt.timedelta(minutes=15, seconds=1)):
        assert me("cdk_guess12").status_code == 401


def test_valid_tokens_are_not_counted(world):
    _, secret = create_token(world.alice.user, "cron")
    for _ in range(15):
        assert me(secret).status_code == 200
