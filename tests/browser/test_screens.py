"""The main pages as people see them, at a desktop width (1280 px) and a phone's (390 px): no page
scrolls sideways, axe-core finds nothing serious or critical, a refused form brings the caret to
the first thing to fix, and keyboard-only use opens a case. Screenshots of every page are kept in
artifacts/screenshots/ (screens-<width>-<page>.png)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from casedesk.cases import services as cs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's sync API runs an event loop in this thread; the ORM calls below are plain sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
AXE = Axe()
# WCAG 2.1 A/AA and axe's best practices (landmarks, one main heading), as a reviewer runs it.
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "best-practice"]},
}
WRAPS_THAT_SCROLL = """[...document.querySelectorAll('.report-wrap')]
  .filter(e => e.scrollWidth > e.clientWidth).map(e => e.firstElementChild.id)"""
FOCUSED_ERROR = "document.activeElement && !!document.activeElement.closest('.has-error')"


class Screen:
    """One signed-in browser page at one width, collecting what is wrong on each page it visits."""

    def __init__(self, browser: Any, origin: str, width: int, username: str) -> None:
        context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = context.new_page()
        self.origin, self.width, self.problems = origin, width, []
        self.page.goto(f"{origin}/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", "pw")
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()

    def check(self, name: str, path: str | None = None) -> None:
        if path is not None:
            self.page.goto(self.origin + path)
        self.page.screenshot(
            path=str(ARTIFACTS / f"screens-{self.width}-{name}.png"), full_page=True
        )
        overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            self.problems.append(f"{name}: scrolls sideways by {overflow} px")
        if self.page.locator("header.top").bounding_box()["height"] > 60:
            self.problems.append(f"{name}: the header takes more than one line")
        for v in AXE.run(self.page, options=AXE_OPTIONS).response["violations"]:
            if v["impact"] in ("serious", "critical"):
                targets = [n["target"] for n in v["nodes"][:3]]
                self.problems.append(f"{name}: {v['id']} ({v['impact']}) at {targets}")

    def top(self, selector: str) -> float:
        return self.page.locator(selector).first.bounding_box()["y"]


@pytest.fixture(scope="module", autouse=True)
def _artifacts() -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_main_pages_fit_read_well_and_focus_the_first_error(browser, live_server, world, width):
    case = cs.open_case(world.alice, channel="web", subject="Payments cluster down")
    ref = case.tracking_number

    alice = Screen(browser, live_server.url, width, "alice")
    alice.check("portal-home", "/portal/")
    alice.check("portal-case", f"/portal/cases/{ref}/")
    if width < 760:  # the response time card comes before the conversation on a phone
        alice.problems += [] if alice.top("#sla") < alice.top("#timeline") else ["SLA card late"]
    alice.check("portal-new-case", "/portal/new/")
    # The severity definitions are read before the case is sent, on a phone too.
    definitions = (
        alice.page.locator(".sevdefs").filter(has_text="Severity 1").locator("visible=true")
    )
    assert definitions.first.bounding_box()["y"] < alice.top("main form button[type=submit]")
    alice.page.fill("#id_description", "Everything I typed stays.")
    alice.page.click("main form button[type=submit]")
    alice.page.wait_for_load_state()
    assert alice.page.evaluate("document.activeElement.id") == "id_subject"
    assert "Subject: This field is required." in alice.page.inner_text(".error-summary")
    assert alice.page.input_value("#id_description") == "Everything I typed stays."
    alice.check("portal-new-case-refused")

    manager = Screen(browser, live_server.url, width, "manager")
    manager.check("console-queue", "/console/")
    manager.check("console-case", f"/console/cases/{ref}/")
    manager.page.click("#respond button[type=submit] >> nth=0")
    manager.page.wait_for_load_state()
    assert manager.page.evaluate(FOCUSED_ERROR), "the refused reply's field has the caret"
    assert manager.page.locator(".error-summary").is_visible()
    manager.check("console-case-refused")
    manager.check("console-customer", f"/console/customers/{world.acme.slug}/")
    manager.check("reports", "/console/reports/")
    if width >= 1280:  # every table behind a chart fits the screen when opened
        manager.page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert manager.page.evaluate(WRAPS_THAT_SCROLL) == []

    problems = alice.problems + manager.problems
    assert not problems, "\n".join(problems)


FOCUS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return [el.id || el.tagName.toLowerCase(), style.outlineStyle !== "none" && style.outlineWidth !== "0px"];
}"""
FORM_ORDER = [
    "id_requested_severity",
    "id_kind",
    "id_environment",
    "id_release",
    "id_subject",
    "id_description",
    "id_tried",
    "id_diagnostics",
    "id_attachments",
    "button",
]


def test_a_contact_opens_a_case_with_the_keyboard_alone(browser, live_server, world):
    alice = Screen(browser, live_server.url, 1280, "alice")
    alice.page.goto(f"{live_server.url}/portal/new/")
    visited = []
    for _ in range(20):  # past the header's links and Sign out to the form
        alice.page.keyboard.press("Tab")
        focused, visible = alice.page.evaluate(FOCUS)
        if visited or focused == FORM_ORDER[0]:
            visited.append(focused)
            assert visible, f"{focused} has the focus but shows no outline"
        if focused == "id_subject":
            alice.page.keyboard.type("Keyboard-only report")
        if focused == "id_description":
            alice.page.keyboard.type("Typed without a mouse.")
        if visited and focused == "button":
            break
    assert visited == FORM_ORDER
    alice.page.keyboard.press("Enter")
    alice.page.wait_for_selector("#submitted")
    assert world.alice.cases.get().subject == "Keyboard-only report"
