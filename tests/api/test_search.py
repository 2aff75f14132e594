"""GET /api/cases/search: ranked matches, numbers, filters, and the same isolation as every
other case endpoint (responses checked against the OpenAPI document)."""

from __future__ import annotations

import pytest

from .conftest import refused

pytestmark = pytest.mark.django_db
URL = "/api/cases/search"


def refs(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return [item["ref"] for item in response.json()["items"]]


def test_it_is_in_the_openapi_document(openapi_doc):
    params = {p["name"] for p in openapi_doc["paths"][URL]["get"]["parameters"]}
    assert {"q", "status", "severity", "customer", "assignee", "page"} <= params


def test_an_engineer_finds_every_customers_cases_and_notes(agent, searchable):
    assert set(refs(agent.get(URL, q="heartbeats"))) == {
        searchable.failover.tracking_number,
        searchable.globex.tracking_number,
    }
    response = agent.get(URL, q="zookeeper")
    assert refs(response) == [searchable.failover.tracking_number]
    assert "<mark>Zookeeper</mark>" in response.json()["items"][0]["snippet"]


def test_a_contact_finds_only_her_organisations_public_text(alice, bob, searchable):
    assert refs(alice.get(URL, q="heartbeats")) == [searchable.failover.tracking_number]
    assert refs(bob.get(URL, q="heartbeats")) == [searchable.globex.tracking_number]
    assert refs(alice.get(URL, q="zookeeper quorum")) == []
    assert refs(alice.get(URL, q="heartbeats", customer="globex")) == []
    snippet = alice.get(URL, q="failover").json()["items"][0]["snippet"]
    assert "Zookeeper" not in snippet


def test_a_tracking_number_is_named_exactly(alice, agent, searchable):
    ref = searchable.slow_ui.tracking_number
    assert agent.get(URL, q=ref.lower()).json()["exact"] == ref
    assert alice.get(URL, q=str(searchable.slow_ui.number)).json()["exact"] == ref
    assert alice.get(URL, q=searchable.globex.tracking_number).json()["exact"] is None


def test_filters_and_pages(agent, searchable, world):
    assert refs(agent.get(URL, q="heartbeats", customer="globex")) == [
        searchable.globex.tracking_number
    ]
    assert refs(agent.get(URL, status="done")) == [searchable.slow_ui.tracking_number]
    assert refs(agent.get(URL, q="heartbeats", customer="nobody")) == []
    first = agent.get(URL, q="heartbeats", page_size=1).json()
    second = agent.get(URL, q="heartbeats", page_size=1, page=2).json()
    assert first["has_next"] and not second["has_next"]
    assert first["items"][0]["ref"] != second["items"][0]["ref"]


def test_a_wrong_filter_says_what_to_use(agent, searchable):
    response = agent.get(URL, q="heartbeats", kind="bug")
    assert response.status_code == 400
    assert response.json()["field"] == "kind"
    assert response.json()["detail"].startswith("Unknown kind 'bug'; use one of question,")


def test_it_needs_a_token(anonymous):
    assert anonymous.get(URL, q="heartbeats").status_code == 401


def test_the_case_endpoint_still_answers_for_a_case_named_search(alice):
    refused(alice.get("/api/cases/SEARCH-1"), 404, "No case SEARCH-1 that you can see.")


def test_dates_bound_the_matches_and_need_a_zone(agent, searchable):
    assert refs(agent.get(URL, q="heartbeats", received_from="2026-11-24T00:00:00Z")) == []
    both = agent.get(URL, q="heartbeats", received_before="2026-11-24T00:00:00Z")
    assert len(refs(both)) == 2
    response = agent.get(URL, q="heartbeats", received_from="2026-11-24T00:00:00")
    refused(
        response,
        400,
        "received_from needs a time zone, such as 2026-11-24T00:00:00Z for UTC.",
        "received_from",
    )
