"""Issue 18 in the console: the links panel on the case page, and merging with a confirmation
step that says what will happen before anything does."""

from __future__ import annotations

from html import unescape

import pytest

from casedesk.cases.models import CaseEvent, CaseLink, Status

from .conftest import field_errors, open_case, typed

pytestmark = pytest.mark.django_db


def _page(client, case):  # type: ignore[no-untyped-def]
    return unescape(client.get(f"/console/cases/{case.tracking_number}/").content.decode())


def _link(case):  # type: ignore[no-untyped-def]
    ref = case.tracking_number
    return f'Related: <a href="/console/cases/{ref}/">{ref}</a>'


def test_an_engineer_links_a_case_and_both_pages_show_it(agent_client, world):
    a = open_case(world.alice, minutes_ago=30)
    b = open_case(world.bob, subject="Scheduler down at Globex")
    assert "No linked cases." in _page(agent_client, a)
    response = agent_client.post(
        f"/console/cases/{a.tracking_number}/links", {"other": b.tracking_number, "kind": "related"}
    )
    assert response.status_code == 302
    assert _link(b) in _page(agent_client, a)
    # Across customers: the other case's customer is named.
    assert "Scheduler down at Globex" in _page(agent_client, a) and "Globex)" in _page(
        agent_client, a
    )
    assert _link(a) in _page(agent_client, b)
    agent_client.post(f"/console/cases/{b.tracking_number}/links/{a.tracking_number}/remove")
    assert not CaseLink.objects.exists()


def test_a_refused_link_keeps_what_was_typed_next_to_the_field(agent_client, world):
    a = open_case(world.alice)
    response = agent_client.post(
        f"/console/cases/{a.tracking_number}/links", {"other": "CASE-77777", "kind": "related"}
    )
    assert response.status_code == 400
    assert field_errors(response, "link", "other") == [
        "No case CASE-77777; check the tracking number."
    ]
    assert typed(response, "link-other") == "CASE-77777"


def test_merge_shows_what_will_happen_then_merges(agent_client, world):
    original = open_case(world.alice, minutes_ago=30, subject="Scheduler down")
    duplicate = open_case(world.alice, subject="Jobs stuck", description="Nothing runs.")
    url = f"/console/cases/{duplicate.tracking_number}/merge"
    review = agent_client.get(url, {"into": original.tracking_number.lower(), "note": "Same."})
    page = unescape(review.content.decode())
    assert review.status_code == 200
    assert (
        f"1 message and 0 internal notes of {duplicate.tracking_number} are copied into "
        f"{original.tracking_number}'s conversation, with 0 files"
    ) in page
    assert f"{original.tracking_number}'s response deadline does not change." in page
    assert typed(review, "merge-note") == "Same."
    assert not CaseEvent.objects.filter(kind="merged").exists()  # reviewing changes nothing

    done = agent_client.post(url, {"into": original.tracking_number, "note": "Same."})
    assert done.status_code == 302
    assert done["Location"] == f"/console/cases/{original.tracking_number}/"
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.duplicate_of_id) == (Status.CLOSED, original.pk)
    assert f"Merged into {original.tracking_number}" in _page(agent_client, duplicate)
    target = _page(agent_client, original)
    assert f"Merged from {duplicate.tracking_number} (Jobs stuck)" in target
    assert "Nothing runs." in target


def test_merge_refusals_are_shown_on_the_review_and_keep_the_input(agent_client, world):
    acme = open_case(world.alice)
    globex = open_case(world.bob)
    review = agent_client.get(
        f"/console/cases/{acme.tracking_number}/merge", {"into": globex.tracking_number}
    )
    assert review.status_code == 400
    assert field_errors(review, "merge", "into") == [
        f"{globex.tracking_number} is Globex's case and {acme.tracking_number} is Acme's: only "
        "cases of the same customer can be merged. Link them as related instead."
    ]
    assert typed(review, "merge-into") == globex.tracking_number
    refused = agent_client.post(
        f"/console/cases/{acme.tracking_number}/merge", {"into": acme.tracking_number, "note": "x"}
    )
    assert field_errors(refused, "merge", "into") == [
        "A case cannot be merged into itself; give the case it duplicates."
    ]
    assert typed(refused, "merge-note") == "x"


def test_contacts_cannot_reach_the_console_actions(client, world):
    a, b = open_case(world.alice), open_case(world.alice)
    client.force_login(world.alice.user)
    url = f"/console/cases/{a.tracking_number}/merge"
    assert client.post(url, {"into": b.tracking_number}).status_code == 404
    assert (
        client.post(
            f"/console/cases/{a.tracking_number}/links", {"other": b.tracking_number}
        ).status_code
        == 404
    )
    assert not CaseEvent.objects.filter(kind__in=["merged", "linked"]).exists()
