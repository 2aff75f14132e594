"""Contacts search their own organisation's cases in the portal: public text only."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(client, world):  # type: ignore[no-untyped-def]
    client.force_login(world.alice.user)
    return client


def get(client, **params) -> str:  # type: ignore[no-untyped-def]
    return client.get("/portal/", {"show": "all", **params}).content.decode()


def test_she_finds_her_cases_by_their_messages(alice, searchable):
    html = get(alice, q="heartbeats failover")
    assert searchable.failover.tracking_number in html
    assert "<mark>" in html


def test_she_never_finds_another_organisations_case(alice, searchable):
    html = get(alice, q="heartbeats")
    assert searchable.globex.tracking_number not in html
    response = alice.get("/portal/", {"q": searchable.globex.tracking_number})
    assert response.status_code == 200
    assert (
        searchable.globex.tracking_number in response.content.decode()
    )  # only her own query echoed
    assert "Heartbeats missing" not in response.content.decode()


def test_she_never_matches_internal_notes(alice, searchable):
    html = get(alice, q="zookeeper")
    assert searchable.failover.tracking_number not in html
    assert "No case matches “zookeeper”" in html


def test_her_case_number_opens_the_case(alice, searchable):
    response = alice.get("/portal/", {"q": searchable.slow_ui.tracking_number})
    assert response.status_code == 302
    assert response["Location"] == f"/portal/cases/{searchable.slow_ui.tracking_number}/"


def test_show_open_leaves_out_her_closed_cases(alice, searchable):
    html = alice.get("/portal/", {"show": "open", "q": "dashboard"}).content.decode()
    assert searchable.slow_ui.tracking_number not in html
    assert "No open case matches “dashboard”" in html
    assert searchable.slow_ui.tracking_number in get(alice, q="dashboard")
