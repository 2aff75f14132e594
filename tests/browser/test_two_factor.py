"""In headless Chromium: an engineer sets up an authenticator app from the QR page, keeps the
recovery codes, and signs in again with password and code."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.browser.test_journey import _login, _shot
from tests.signin.test_two_factor import totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_engineer_sets_up_an_app_and_signs_in_with_its_code(browser, live_server, world):  # noqa: F811
    page = _login(browser, live_server, "agent")
    page.goto(f"{live_server.url}/account/two-factor/")
    assert page.locator(".qr svg").is_visible()
    secret = page.inner_text("#secret")
    page.fill("#id_code", totp(secret))
    page.click("button:has-text('Turn on')")
    assert len(page.locator("#recovery-codes li").all_inner_texts()) == 10
    _shot(page, "two-factor-recovery-codes")
    page.context.close()

    page = _login(browser, live_server, "agent")
    assert "/login/verify/" in page.url
    page.fill("#id_code", totp(secret, time.time() + 30))  # the app's next code
    page.click("button:has-text('Verify')")
    page.wait_for_url("**/console/")
    page.context.close()


def test_an_engineer_adds_a_passkey_and_signs_in_with_it(browser, live_server, world, settings):  # noqa: F811
    assert live_server.url.startswith("http://localhost:")  # a secure origin for WebAuthn
    settings.CASEDESK_PASSKEYS = True
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    context = browser.new_context()
    page = context.new_page()
    # Chromium's virtual authenticator stands in for a platform passkey (user verified).
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})

    def sign_in() -> None:
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "agent")
        page.fill("#id_password", "pw")
        page.click("button[type=submit]")

    sign_in()
    page.goto(f"{live_server.url}/account/two-factor/")
    page.wait_for_load_state("load")  # the passkey script binds its buttons when it has run
    page.click("#passkey-register-button")
    # Not wait_for_function: it evaluates a string, which the Content-Security-Policy refuses.
    expect(page.locator("#passkey-register-status-message")).not_to_have_text("")
    page.reload()
    assert page.inner_text("#passkey-count") == "1 passkey registered."
    page.click("header button:has-text('Sign out')")

    sign_in()
    assert "/login/verify/" in page.url
    page.wait_for_load_state("load")  # a click before the script has run does nothing
    page.click("#passkey-verification-button")
    page.wait_for_url("**/console/")
    _shot(page, "two-factor-passkey-signed-in")
    context.close()
