"""A second factor for engineers and managers: an authenticator app (TOTP, computed here from
the secret as an app would) and recovery codes; required for staff when CASEDESK_REQUIRE_2FA."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from django.test import Client

from casedesk.signin import twofactor


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 with the defaults apps use: SHA-1, 30-second steps, 6 digits."""
    key = base64.b32decode(secret.replace(" ", ""))
    step = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def enrolled(user) -> tuple[str, list[str]]:
    """Set up an app for `user` as the page does; returns its secret and the recovery codes."""
    secret = twofactor.secret_text(twofactor.pending_app(user))
    _, codes = twofactor.confirm_app(user, totp(secret))
    return secret, codes


def password_step(username: str, next_url: str = "/console/") -> tuple[Client, object]:
    client = Client()
    response = client.post("/login/", {"username": username, "password": "pw", "next": next_url})
    return client, response


def test_an_engineer_turns_on_an_app_and_gets_recovery_codes(client, world):
    assert client.login(username="agent", password="pw")
    page = client.get("/account/two-factor/").content.decode()
    assert "<svg" in page  # the QR code, drawn on the page itself
    secret = re.search(r'id="secret">([A-Z2-7 ]+)<', page).group(1)

    wrong = client.post("/account/two-factor/", {"action": "confirm", "code": "12345"})
    assert wrong.status_code == 400
    assert "That code does not match" in wrong.content.decode()

    time.sleep(1.1)  # django-otp makes the next try wait a second after a wrong code
    done = client.post("/account/two-factor/", {"action": "confirm", "code": totp(secret)})
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", done.content.decode())
    assert len(codes) == 10
    assert client.get("/console/").status_code == 200
    assert twofactor.has_second_factor(world.agent)


def test_sign_in_asks_an_engineer_for_the_code(world):
    secret, _ = enrolled(world.agent)
    client, response = password_step("agent")
    assert response.status_code == 302
    assert response["Location"] == "/login/verify/?next=%2Fconsole%2F"
    # The app's next code (the set-up used the current one; a code is accepted once).
    verified = client.post(
        "/login/verify/", {"code": totp(secret, time.time() + 30), "next": "/console/"}
    )
    assert verified.status_code == 302 and verified["Location"] == "/console/"
    assert client.get("/console/").status_code == 200


def test_without_the_code_the_password_alone_opens_nothing(world):
    enrolled(world.agent)
    client, _ = password_step("agent")
    console = client.get("/console/")
    assert console.status_code == 302
    assert console["Location"] == "/login/verify/?next=%2Fconsole%2F"
    assert client.get("/admin/").status_code == 302
    api = client.get("/api/me")
    assert api.status_code == 401
    assert api.json()["detail"] == (
        "Finish signing in: enter your second factor at /login/verify/."
    )
    wrong = client.post("/login/verify/", {"code": "not-a-code"})
    assert wrong.status_code == 400
    assert "That recovery code is not valid or was used already." in wrong.content.decode()
    assert client.get("/console/").status_code == 302


def test_a_recovery_code_works_once(world):
    _, codes = enrolled(world.agent)
    client, _ = password_step("agent")
    used = client.post("/login/verify/", {"code": codes[0], "next": "/console/"}, follow=True)
    assert used.redirect_chain[-1][0] == "/console/"
    assert "You signed in with a recovery code; 9 left." in used.content.decode()

    again, _ = password_step("agent")
    refused = again.post("/login/verify/", {"code": codes[0]})
    assert refused.status_code == 400
    assert "That recovery code is not valid or was used already." in refused.content.decode()
    assert again.get("/console/").status_code == 302


def test_the_setting_makes_staff_set_up_a_second_factor(world, settings):
    settings.CASEDESK_REQUIRE_2FA = True
    client, response = password_step("agent")
    assert response["Location"] == "/account/two-factor/?next=%2Fconsole%2F"
    assert client.get("/console/")["Location"] == "/account/two-factor/?next=%2Fconsole%2F"
    assert client.get("/account/two-factor/").status_code == 200

    manager, _ = password_step("manager", "/admin/")
    assert manager.get("/admin/")["Location"] == "/account/two-factor/?next=%2Fadmin%2F"

    contact, response = password_step("alice", "/portal/")
    assert response["Location"] == "/portal/"
    assert contact.get("/portal/").status_code == 200


def test_turning_it_off_while_required_asks_for_it_again(world, settings):
    settings.CASEDESK_REQUIRE_2FA = True
    secret, _ = enrolled(world.agent)
    client, _ = password_step("agent")
    client.post("/login/verify/", {"code": totp(secret, time.time() + 30)})
    assert client.get("/console/").status_code == 200
    client.post("/account/two-factor/", {"action": "remove"})
    assert client.get("/console/")["Location"].startswith("/account/two-factor/")


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_contacts_have_no_second_factor_page(client, world, who):
    assert client.login(username=who, password="pw")
    assert client.get("/account/two-factor/").status_code == 404


def test_the_console_links_to_the_second_factor_page(client, world):
    client.force_login(world.agent)
    assert 'href="/account/two-factor/"' in client.get("/console/").content.decode()
