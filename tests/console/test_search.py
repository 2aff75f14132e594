"""The console's search page and the search box on every console page."""

from __future__ import annotations

import pytest

from tests.search.conftest import Cases  # noqa: F401 - the fixture's type
from tests.search.conftest import cases  # noqa: F401 - the shared fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(client, world):  # type: ignore[no-untyped-def]
    client.force_login(world.agent)
    return client


def test_every_console_page_has_the_search_box(agent):
    for url in ("/console/", "/console/customers/"):
        html = agent.get(url).content.decode()
        assert 'action="/console/search/"' in html and 'name="q"' in html


def test_it_lists_matching_cases_with_the_match_marked(agent, cases):
    html = agent.get("/console/search/", {"q": "zookeeper"}).content.decode()
    assert cases.failover.tracking_number in html
    assert "<mark>Zookeeper</mark>" in html
    assert cases.globex.tracking_number not in html
    assert "Premium" in html  # the level as the terms name it, not its key


def test_a_case_number_opens_the_case(agent, cases):
    response = agent.get("/console/search/", {"q": cases.slow_ui.tracking_number.lower()})
    assert response.status_code == 302
    assert response["Location"] == f"/console/cases/{cases.slow_ui.tracking_number}/"


def test_filters_narrow_the_cases(agent, cases):
    html = agent.get("/console/search/", {"q": "heartbeats", "customer": "globex"}).content.decode()
    assert cases.globex.tracking_number in html
    assert cases.failover.tracking_number not in html
    html = agent.get("/console/search/", {"status": "done"}).content.decode()
    assert cases.slow_ui.tracking_number in html
    assert cases.failover.tracking_number not in html


def test_customers_and_contacts_are_found_by_name(agent, cases):
    html = agent.get("/console/search/", {"q": "globex"}).content.decode()
    assert 'href="/console/customers/globex/"' in html
    assert "bob@globex.example" in html


def test_a_backwards_date_range_is_explained_and_kept(agent, cases):
    response = agent.get(
        "/console/search/",
        {"q": "heartbeats", "received_from": "2026-11-20", "received_to": "2026-11-01"},
    )
    html = response.content.decode()
    assert "The end date 2026-11-01 is before the start date 2026-11-20" in html
    assert 'value="heartbeats"' in html


def test_dates_are_days_in_pacific_time(agent, cases):
    # The cases were received on 23 Nov 2026 (Pacific), the morning.
    html = agent.get("/console/search/", {"q": "heartbeats", "received_to": "2026-11-22"})
    assert cases.failover.tracking_number not in html.content.decode()
    html = agent.get("/console/search/", {"q": "heartbeats", "received_from": "2026-11-23"})
    assert cases.failover.tracking_number in html.content.decode()


def test_no_match_says_what_to_try(agent, cases):
    html = agent.get("/console/search/", {"q": "xylophone"}).content.decode()
    assert "No case matches. Try fewer words" in html


def test_contacts_cannot_open_the_console_search(client, world, cases):
    client.force_login(world.alice.user)
    assert client.get("/console/search/", {"q": "heartbeats"}).status_code == 404
