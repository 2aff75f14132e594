"""The main journey in headless Chromium: a contact asks for Severity 1, an engineer confirms
it from the severity-requests lane and responds, the contact sees the reply and the met target."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from casedesk.cases.models import Case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's sync API runs an event loop in this thread; the ORM calls below are plain sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def _login(browser, live_server, username: str):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("button[type=submit]")
    return page


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_severity_one_request_confirmed_answered_and_met(browser, live_server, world):
    contact = _login(browser, live_server, "alice")
    contact.goto(f"{live_server.url}/portal/new/")
    contact.select_option("#id_requested_severity", "1")
    contact.fill("#id_subject", "Payments cluster down")
    contact.fill("#id_description", "All payment jobs fail since 10:02; no workaround.")
    _shot(contact, "portal-new-case")
    contact.click("text=Open the case")
    contact.wait_for_selector("#submitted")
    case = Case.objects.get()
    assert case.tracking_number in contact.inner_text("#submitted")
    assert "Severity 3" in contact.inner_text("#submitted")

    agent = _login(browser, live_server, "agent")
    agent.goto(f"{live_server.url}/console/")
    lane = agent.inner_text("#lane-requests")
    assert case.tracking_number in lane
    _shot(agent, "console-queue")
    agent.click(f"#lane-requests >> text={case.tracking_number}")
    agent.click("#confirm button[type=submit]")
    agent.wait_for_load_state()
    case.refresh_from_db()
    assert case.severity == 1
    agent.fill(
        "#respond textarea[name=body]", "We are on it: the payment scheduler lost its leader."
    )
    agent.click("text=Send reply to customer")
    agent.wait_for_load_state()
    _shot(agent, "console-case")
    case.refresh_from_db()
    assert case.response_outcome == "met"

    contact.goto(f"{live_server.url}/portal/cases/{case.tracking_number}/")
    assert "the payment scheduler lost its leader" in contact.inner_text("#timeline")
    assert contact.inner_text("#sla-status") == "Met"
    _shot(contact, "portal-case")
