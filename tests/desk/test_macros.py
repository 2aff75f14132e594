"""Canned replies: who keeps which, placeholders filled for a case, inserted into the reply box
(with and without the script), counted when sent, setting a status or asking the customer."""

from __future__ import annotations

import re
from html import unescape

import pytest

from casedesk.cases import services as cs
from casedesk.desk.models import CannedReply
from casedesk.desk.services.macros import MacroSpec, fill_macro, save_macro
from tests.console.conftest import field_errors, typed

from .conftest import open_case

pytestmark = pytest.mark.django_db

GREETING = "Hello {contact_name}, {case_number} gets a first answer by {deadline}."


def url(case, action: str = "") -> str:  # type: ignore[no-untyped-def]
    return f"/console/cases/{case.tracking_number}/{action}"


@pytest.fixture
def shared(world):  # type: ignore[no-untyped-def]
    return save_macro(world.manager, MacroSpec(title="Greeting", body=GREETING, shared=True))


def test_it_fills_the_placeholders_in_the_contacts_time_zone(world, now, shared):
    world.alice.time_zone = "Europe/Berlin"
    world.alice.save(update_fields=["time_zone"])
    case = open_case(world.alice)
    assert fill_macro(shared, case) == (
        f"Hello Alice Adams, {case.tracking_number} gets a first answer by "
        "Tue 24 Nov 2026, 19:00 CET."
    )


def test_it_quotes_the_terms_exclusion_text(world, now):
    macro = save_macro(
        world.agent,
        MacroSpec(title="Out of scope", body="Excluded: {exclusion_text}", exclusion_code="v"),
    )
    assert fill_macro(macro, open_case(world.alice)) == "Excluded: Custom development services."


def test_it_refuses_an_unknown_placeholder_and_shared_texts_from_engineers(world):
    with pytest.raises(cs.CaseError) as exc:
        save_macro(world.agent, MacroSpec(title="Hi", body="Hi {name}"))
    assert exc.value.message.startswith("Unknown placeholder {name}; use one of {contact_name}")
    with pytest.raises(cs.CaseError, match="Only support managers can share canned replies."):
        save_macro(world.agent, MacroSpec(title="Hi", body="Hi", shared=True))
    with pytest.raises(cs.CaseError, match="choose the exclusion whose text it quotes"):
        save_macro(world.agent, MacroSpec(title="X", body="{exclusion_text}"))


def test_engineers_see_shared_and_their_own_but_edit_only_their_own(agent_client, world, shared):
    mine = save_macro(world.agent, MacroSpec(title="Mine", body="Mine"))
    theirs = save_macro(world.manager, MacroSpec(title="Manager's own", body="Private"))
    page = unescape(agent_client.get("/console/macros/").content.decode())
    assert "Greeting" in page and "Mine" in page and "Manager's own" not in page
    assert f"/console/macros/{mine.pk}/" in page and f"/console/macros/{shared.pk}/" not in page
    assert agent_client.get(f"/console/macros/{shared.pk}/").status_code == 404
    assert agent_client.get(f"/console/macros/{theirs.pk}/").status_code == 404


def test_the_editor_keeps_what_was_typed_when_refused(agent_client):
    response = agent_client.post(
        "/console/macros/new", {"title": "Logs", "body": "Hi {contact}, send logs."}
    )
    assert response.status_code == 400
    assert field_errors(response, "macro", "body")[0].startswith("Unknown placeholder {contact};")
    assert typed(response, "macro-body") == "Hi {contact}, send logs."
    response = agent_client.post(
        "/console/macros/new", {"title": "Logs", "body": "Hi {contact_name}, send logs."}
    )
    assert response.status_code == 302
    assert CannedReply.objects.get().owner.username == "agent"


def test_the_script_gets_the_filled_text_and_the_use_button_fills_the_box(
    agent_client, world, shared
):
    case = open_case(world.alice)
    data = agent_client.get(url(case, "macro-text"), {"macro": shared.pk}).json()
    assert data == {"id": shared.pk, "text": fill_macro(shared, case)}
    response = agent_client.post(
        url(case, "use-macro"), {"macro_pick": shared.pk, "body": "Thanks for the details."}
    )
    assert typed(response, "respond-body") == (
        f"Thanks for the details.\n\n{fill_macro(shared, case)}"
    )
    assert re.search(
        rf'name="macro" id="respond-macro-used" value="{shared.pk}"',
        unescape(response.content.decode()),
    )


def test_another_engineers_own_text_is_not_usable(agent_client, world):
    case = open_case(world.alice)
    private = save_macro(world.manager, MacroSpec(title="Private", body="Mine alone"))
    response = agent_client.get(url(case, "macro-text"), {"macro": private.pk})
    assert response.status_code == 400
    assert response.json() == {"error": "No such canned reply among yours and the shared ones."}


def test_sending_counts_the_use_and_sets_the_status(agent_client, world):
    macro = save_macro(
        world.manager, MacroSpec(title="Fixed", body="Fixed.", shared=True, set_status="resolved")
    )
    case = open_case(world.alice)
    response = agent_client.post(url(case, "respond"), {"body": "Fixed.", "macro": macro.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    macro.refresh_from_db()
    assert (case.status, macro.use_count) == ("resolved", 1)


def test_a_macro_that_asks_puts_the_case_on_the_customers_side(agent_client, world):
    macro = save_macro(
        world.agent, MacroSpec(title="Logs", body="Please send logs.", ask_items="Logs\nVersion")
    )
    case = open_case(world.alice)
    agent_client.post(url(case, "respond"), {"body": "Please send logs.", "macro": macro.pk})
    case.refresh_from_db()
    assert case.status == "waiting"
    assert cs.open_request(case).items == ["Logs", "Version"]


def test_a_status_the_reply_already_set_is_not_set_twice(agent_client, world):
    macro = save_macro(world.agent, MacroSpec(title="On it", body="On it.", set_status="triaged"))
    case = open_case(world.alice)
    response = agent_client.post(url(case, "respond"), {"body": "On it.", "macro": macro.pk})
    message = [str(m) for m in response.wsgi_request._messages][-1]
    assert message == "Reply sent to Alice Adams."


def test_a_manager_keeps_the_shared_ones_in_the_console_and_the_admin(client, world, shared):
    client.force_login(world.manager)
    response = client.post(
        f"/console/macros/{shared.pk}/",
        {"title": "Greeting", "body": "Hi {contact_name}.", "shared": "on"},
    )
    assert response.status_code == 302
    shared.refresh_from_db()
    assert (shared.body, shared.owner) == ("Hi {contact_name}.", None)
    world.manager.is_superuser = True
    world.manager.save(update_fields=["is_superuser"])
    assert client.get("/admin/desk/cannedreply/").status_code == 200
    refused = client.post(
        "/admin/desk/cannedreply/add/", {"title": "Bad", "body": "Hi {who}", "set_status": ""}
    )
    assert "Unknown placeholder {who}" in refused.content.decode()
