"""The Content-Security-Policy as chromium enforces it: the API docs (Swagger UI) still render
every operation, the portal and console pages still run their script and keep their styling,
and nothing is refused or fetched from another origin."""

from __future__ import annotations

import os
from typing import Any

import pytest

from casedesk.cases import services as cs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's sync API runs an event loop in this thread; the ORM calls below are plain sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Records every violation the page reports, before any of the page's own code runs.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


class Watched:
    """A page that keeps its CSP violations, console complaints and foreign requests."""

    def __init__(self, browser: Any, origin: str) -> None:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_init_script(RECORD_VIOLATIONS)
        self.page = context.new_page()
        self.origin = origin
        self.violations: list[str] = []
        self.complaints: list[str] = []
        self.foreign: list[str] = []
        self.page.on("console", self._console)
        self.page.on("request", self._request)

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.complaints.append(message.text)

    def _request(self, request: Any) -> None:
        url = request.url
        if not (url.startswith(self.origin) or url.startswith("data:")):
            self.foreign.append(url)

    def visit(self, path: str) -> None:
        self.page.goto(self.origin + path)
        self.page.wait_for_load_state("networkidle")
        self._collect()

    def _collect(self) -> None:
        """Each document has its own list: read it before the next navigation."""
        self.violations += self.page.evaluate("window.__csp.splice(0)")

    def login(self, username: str) -> None:
        self.visit("/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", "pw")
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()
        self._collect()

    def assert_clean(self) -> None:
        self._collect()
        assert (self.violations, self.complaints, self.foreign) == ([], [], [])


def test_the_api_docs_render_every_operation_under_the_policy(browser, live_server):
    docs = Watched(browser, live_server.url)
    operations = sum(
        len(methods)
        for methods in docs.page.request.get(f"{live_server.url}/api/openapi.json")
        .json()["paths"]
        .values()
    )
    docs.visit("/api/docs")
    docs.page.wait_for_selector(".opblock")
    assert docs.page.locator(".opblock").count() == operations
    assert "/api/cases/{ref}/attachments/{pk}" in docs.page.inner_text("#swagger-ui")
    # Opening an operation renders its parameters (Swagger UI's own script at work).
    docs.page.locator(".opblock-summary").first.click()
    docs.page.wait_for_selector(".opblock-body")
    docs.assert_clean()


def test_portal_and_console_pages_run_their_script_and_keep_their_style(
    browser, live_server, world
):
    case = cs.open_case(world.alice, channel="web", subject="Payments cluster down")
    engineer = Watched(browser, live_server.url)
    engineer.login("agent")
    with engineer.page.expect_response(lambda r: r.url.endswith("/countdown.js")) as script:
        engineer.visit("/console/")
    assert script.value.status == 200  # the live countdowns' script, allowed from 'self'
    engineer.visit(f"/console/cases/{case.tracking_number}/")
    engineer.visit("/console/reports/")
    assert engineer.page.locator("svg.chart").count() == 3  # by month, customer, severity changes
    # The chart's palette now comes from app.css, since the policy refuses inline <style>.
    axis_fill = engineer.page.eval_on_selector("svg.chart .axis", "el => getComputedStyle(el).fill")
    assert axis_fill == "rgb(93, 102, 117)"
    engineer.assert_clean()

    contact = Watched(browser, live_server.url)
    contact.login("alice")
    contact.visit("/portal/")
    contact.visit(f"/portal/cases/{case.tracking_number}/?new=1")
    border = contact.page.eval_on_selector("#submitted", "el => getComputedStyle(el).borderColor")
    assert border == "rgb(169, 217, 187)"  # was an inline style attribute
    contact.visit("/portal/new/")
    contact.assert_clean()
