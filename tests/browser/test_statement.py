"""Issue 17 in headless Chromium: the yearly statement renders, and prints without navigation
or buttons (screenshots of both views in artifacts/screenshots/)."""

from __future__ import annotations

import os

import pytest

from tests.reports.conftest import build_month

from .test_journey import ARTIFACTS, _login, _shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_the_statement_renders_and_prints(browser, live_server, world):
    month = build_month(world)
    bob = _login(browser, live_server, "bob")
    bob.goto(f"{live_server.url}/portal/statement/?year=2026-01-01")
    assert "Support statement · Globex" in bob.inner_text("h1")
    assert month["std_breached"].tracking_number in bob.inner_text("#stmt-late")
    button = bob.locator("#print-statement")
    assert button.is_visible()  # shown by statement-print.js (no inline script under the CSP)
    _shot(bob, "portal-statement-screen")

    bob.evaluate("window.print = () => { window.printed = true; }")
    button.click()
    assert bob.evaluate("window.printed") is True

    bob.emulate_media(media="print")
    assert not bob.locator("header.top").is_visible()
    assert not bob.locator("#statement-year").is_visible()
    assert not button.is_visible()
    assert bob.locator("#stmt-attainment-table").is_visible()
    breaks = bob.eval_on_selector("#stmt-kinds", "e => getComputedStyle(e).breakBefore")
    assert breaks == "page"
    _shot(bob, "portal-statement-print")
    pdf = bob.pdf(path=str(ARTIFACTS / "portal-statement.pdf"))
    assert pdf.startswith(b"%PDF")
