"""Issue 17 in headless Chromium: what the terms promise is on the form before the contact
sends it (the incident quota at 9 and at 10 of 10)."""

from __future__ import annotations

import os

import pytest

from casedesk.cases.models import Case
from casedesk.customers import services as customers
from casedesk.lib import clock

from .test_journey import _login, _shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _use(world, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        customers.charge_incident(
            world.agent, world.globex_sub, case_ref=f"OLD-{i}", at=clock.now()
        )


def test_the_quota_warning_is_on_the_form_at_9_and_at_10_of_10(browser, live_server, world):
    _use(world, 9)
    renews = customers.quota_status(world.globex_sub, clock.now()).renews_on
    bob = _login(browser, live_server, "bob")
    bob.goto(f"{live_server.url}/portal/new/")
    bob.select_option("#id_requested_severity", "1")
    assert (
        bob.inner_text("#quota")
        == f"9 of 10 Severity 1/2 incidents used this subscription year (renews {renews})"
    )
    _shot(bob, "portal-quota-9-of-10")

    _use(world, 1, start=9)
    bob.goto(f"{live_server.url}/portal/new/")
    bob.select_option("#id_requested_severity", "1")
    shown = bob.inner_text("#quota")
    assert f"10 of 10 Severity 1/2 incidents used this subscription year (renews {renews})" in shown
    assert "will likely be declined unless a support engineer overrides the quota" in shown
    _shot(bob, "portal-quota-10-of-10")
    assert not Case.objects.exists()  # all of it before submitting


def test_a_severity_1_request_shows_both_clocks_and_the_lane_both_targets(
    browser, live_server, world
):
    alice = _login(browser, live_server, "alice")
    alice.goto(f"{live_server.url}/portal/new/")
    alice.select_option("#id_requested_severity", "1")
    alice.fill("#id_subject", "Payments cluster down")
    alice.fill("#id_description", "All payment jobs fail since 10:02; no workaround.")
    alice.click("text=Open the case")
    alice.wait_for_selector("#submitted")
    clocks = alice.inner_text("#clocks")
    assert "Severity 3 now: due " in clocks
    assert "if an engineer confirms Severity 1: due 1 hour from confirmation" in clocks
    assert "pages the on-duty engineer" in clocks
    _shot(alice, "portal-severity-request-both-clocks")

    agent = _login(browser, live_server, "agent")
    agent.goto(f"{live_server.url}/console/")
    lane = agent.inner_text("#lane-requests")
    assert "Sev 3: 1 business day now · Sev 1: 1 hour from confirmation" in lane
    _shot(agent, "console-lane-request-targets")


def test_choosing_an_unsupported_release_warns_before_sending(browser, live_server, world):
    alice = _login(browser, live_server, "alice")
    alice.goto(f"{live_server.url}/portal/new/")
    assert alice.is_hidden("#release-warning")
    alice.select_option("#id_release", str(world.releases["eol"].pk))
    alice.wait_for_selector("#release-warning", state="visible")
    shown = alice.inner_text("#release-warning")
    assert "DC/OS 1.10.0 reached the end of support" in shown
    assert "exclusion (d)" in shown and "no longer supported" in shown
    _shot(alice, "portal-release-out-of-support")
    alice.select_option("#id_release", str(world.releases["supported"].pk))
    assert alice.is_hidden("#release-warning")
    alice.select_option("#id_release", str(world.releases["rc"].pk))
    assert "not a production release" in alice.inner_text("#release-warning")
    alice.fill("#id_subject", "Testing the release candidate")
    alice.fill("#id_description", "The RC's installer stops at step 3.")
    alice.click("text=Open the case")
    alice.wait_for_selector("#submitted")  # accepted all the same
    assert Case.objects.get().version == "2.3.0-rc1"
