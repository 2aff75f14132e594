"""Issue 18's case page: the conversation first, one reply box with a public/internal switch,
and a side panel offering only the actions that apply to the case now."""

from __future__ import annotations

import pytest

from casedesk.cases import services as cs

from .conftest import open_case

pytestmark = pytest.mark.django_db


def page(client, case) -> str:  # type: ignore[no-untyped-def]
    return client.get(f"/console/cases/{case.tracking_number}/").content.decode()


def test_the_conversation_comes_before_the_side_panel(agent_client, world):
    html = page(agent_client, open_case(world.alice))
    assert html.index('class="timeline"') < html.index('id="respond"') < html.index('id="sla"')
    # One reply box: the switch picks the reply or the note (two buttons, one shown by CSS).
    assert html.count('id="respond-body"') == 1
    assert html.count("Add internal note") == 1
    assert 'id="respond-public" checked' in html
    assert 'formaction="/console/cases/' in html.split('id="respond"')[1].split("</form>")[0]


def test_an_open_case_offers_its_actions_in_folded_menus(agent_client, world):
    html = page(agent_client, open_case(world.alice))
    for menu in ("act-severity", "act-assign", "act-status", "act-ask", "act-resolve"):
        assert f'<details id="{menu}">' in html
    assert "Close as out of scope</summary>" in html
    assert "Emergency patches</summary>" in html  # Premium includes them


def test_a_closed_case_offers_no_closing_and_no_patch_request(agent_client, world):
    case = open_case(world.alice)
    cs.close(world.agent, case)
    html = page(agent_client, case)
    assert "Close as out of scope</summary>" not in html
    assert "Request emergency patch" not in html
    assert "act-resolve" not in html and "act-severity" not in html


def test_a_level_without_patches_shows_no_patch_request(agent_client, world):
    html = page(agent_client, open_case(world.bob))  # Globex: Standard, no emergency patches
    assert "Request emergency patch" not in html


def test_severity_request_buttons_only_with_a_pending_request(agent_client, world):
    assert 'id="confirm"' not in page(agent_client, open_case(world.alice))
    pending = open_case(world.alice, requested_severity=1)
    html = page(agent_client, pending)
    assert 'id="confirm"' in html and "Confirm Severity 1" in html


def test_a_refused_action_opens_its_menu_with_the_error(agent_client, world):
    case = open_case(world.alice)
    response = agent_client.post(
        f"/console/cases/{case.tracking_number}/exclude", {"code": "", "reason": "Feature."}
    )
    assert '<details id="act-exclude" open>' in response.content.decode()


def test_the_header_and_outcome_use_words_not_terms_keys(agent_client, world):
    html = page(agent_client, open_case(world.bob, requested_severity=4))
    assert "Standard (business hours)" in html
    assert "business_hours" not in html
    assert "No_target" not in html
