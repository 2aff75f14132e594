"""In headless Chromium: an engineer sets up an authenticator app from the QR page, keeps the
recovery codes, and signs in again with password and code."""

from __future__ import annotations

import time

import pytest

from tests.browser.test_journey import _login, _shot, browser  # noqa: F401  (fixture)
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
