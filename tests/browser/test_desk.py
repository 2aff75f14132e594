"""Issue 18 in headless Chromium: a canned reply fills the reply box (and is counted when
sent); a second engineer sees who else is on the case, and a reply typed while the other
engineer answered is held back with the text kept."""

from __future__ import annotations

import os

import pytest

from casedesk.cases import services as cs
from casedesk.customers.roles import ensure_groups
from casedesk.desk.models import CannedReply
from casedesk.desk.services.macros import MacroSpec, save_macro
from tests.world import _user

from .test_journey import _login, _shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_a_canned_reply_fills_the_box_and_counts_when_sent(browser, live_server, world):
    case = cs.open_case(world.alice, channel="web", subject="Scheduler stalls")
    macro = save_macro(
        world.manager,
        MacroSpec(title="Thanks", body="Hello {contact_name}, {case_number} is ours.", shared=True),
    )
    agent = _login(browser, live_server, "agent")
    agent.goto(f"{live_server.url}/console/cases/{case.tracking_number}/")
    assert agent.locator("#respond-use").is_hidden()  # the script inserts on choice
    agent.select_option("#respond-macro", str(macro.pk))
    box = agent.locator("#respond textarea[name=body]")
    expected = f"Hello Alice Adams, {case.tracking_number} is ours."
    agent.wait_for_function(
        "t => document.querySelector('#respond textarea[name=body]').value === t", arg=expected
    )
    _shot(agent, "console-canned-reply")
    assert box.input_value() == expected
    agent.click("text=Send reply to customer")
    agent.wait_for_selector(".messages >> text=Reply sent to Alice Adams.")
    assert CannedReply.objects.get().use_count == 1


def test_a_second_engineer_sees_the_other_and_a_late_reply_is_held(browser, live_server, world):
    raj = _user("raj", first_name="Raj")
    raj.groups.add(ensure_groups()[0])
    case = cs.open_case(world.alice, channel="web", subject="Scheduler stalls")
    page = f"{live_server.url}/console/cases/{case.tracking_number}/"
    agent = _login(browser, live_server, "agent")
    agent.goto(page)
    other = _login(browser, live_server, "raj")
    other.goto(page)
    assert "agent is viewing" in other.inner_text("#presence")
    # Typing is reported at once (not at the next 15 s round).
    with agent.expect_response(lambda r: r.url.endswith("/presence")):
        agent.fill("#respond textarea[name=body]", "Restart the scheduler.")
    other.goto(page)
    assert "agent is writing a reply" in other.inner_text("#presence")
    _shot(other, "console-collision-presence")
    other.fill("#respond textarea[name=body]", "Please send the scheduler log.")
    other.click("text=Send reply to customer")
    other.wait_for_selector(".messages")
    agent.click("text=Send reply to customer")
    agent.wait_for_selector("#respond-body-errors")
    assert "Raj replied at" in agent.inner_text("#respond-body-errors")
    assert agent.locator("#respond textarea[name=body]").input_value() == "Restart the scheduler."
    _shot(agent, "console-collision-refused")
