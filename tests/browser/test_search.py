"""Issue 18 in headless Chromium: an engineer finds a closed case by a phrase of its body from
the search box in the console header."""

from __future__ import annotations

import os

import pytest

from casedesk.cases import services as cs

from .test_journey import _login, _shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_search_finds_a_closed_case_by_a_phrase_of_its_body(browser, live_server, world):
    closed = cs.open_case(
        world.alice,
        channel="web",
        subject="Nightly export",
        description="The nightly export stops at the ledger table with a checksum mismatch.",
    )
    cs.respond(world.agent, closed, "A patched exporter is on its way.")
    cs.close(world.agent, closed)
    other = cs.open_case(
        world.bob, channel="web", subject="Ledger", description="A checksum on the ledger table."
    )
    page = _login(browser, live_server, "agent")
    page.goto(f"{live_server.url}/console/")
    page.fill("header input[name=q]", '"ledger table with a checksum"')
    page.press("header input[name=q]", "Enter")
    page.wait_for_selector("#case-results")
    results = page.inner_text("#case-results")
    assert closed.tracking_number in results and "Closed" in results
    assert other.tracking_number not in results
    # SQLite marks the whole phrase, PostgreSQL each of its words.
    assert page.inner_text("#case-results mark").lower() in "ledger table with a checksum"
    _shot(page, "console-search-closed-case-by-phrase")
    page.click(f"text={closed.tracking_number}")
    page.wait_for_url(f"**/console/cases/{closed.tracking_number}/")
