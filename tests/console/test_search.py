"""The console's search page and the search box on every console page."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(client, world):  # type: ignore[no-untyped-def]
    client.force_login(world.agent)
    return client


def test_every_console_page_has_the_search_box(agent):
    for url in ("/console/", "/console/customers/"):
        html = agent.get(url).content.decode()
        assert 'action="/console/search/"' in html and 'name="q"' in html


def test_it_lists_matching_cases_with_the_match_marked(agent, searchable):
    html = agent.get("/console/search/", {"q": "zookeeper"}).content.decode()
    assert searchable.failover.tracking_number in html
    assert "<mark>Zookeeper</mark>" in html
    assert searchable.globex.tracking_number not in html
    assert "Premium" in html  # the level as the terms name it, not its key


def test_a_case_number_opens_the_case(agent, searchable):
    response = agent.get("/console/search/", {"q": searchable.slow_ui.tracking_number.lower()})
    assert response.status_code == 302
    assert response["Location"] == f"/console/cases/{searchable.slow_ui.tracking_number}/"


def test_filters_narrow_the_cases(agent, searchable):
    html = agent.get("/console/search/", {"q": "heartbeats", "customer": "globex"}).content.decode()
    assert searchable.globex.tracking_number in html
    assert searchable.failover.tracking_number not in html
    html = agent.get("/console/search/", {"status": "done"}).content.decode()
    assert searchable.slow_ui.tracking_number in html
    assert searchable.failover.tracking_number not in html


def test_customers_and_contacts_are_found_by_name(agent, searchable):
    html = agent.get("/console/search/", {"q": "globex"}).content.decode()
    assert 'href="/console/customers/globex/"' in html
    assert "bob@globex.example" in html


def test_a_backwards_date_range_is_explained_and_kept(agent, searchable):
    response = agent.get(
        "/console/search/",
        {"q": "heartbeats", "received_from": "2026-11-20", "received_to": "2026-11-01"},
    )
    html = response.content.decode()
    assert "The end date 2026-11-01 is before the start date 2026-11-20" in html
    assert 'value="heartbeats"' in html


def test_a_day_past_the_calendar_is_refused_with_the_range(agent, searchable):
    response = agent.get("/console/search/", {"q": "heartbeats", "received_to": "9999-12-31"})
    assert response.status_code == 200
    assert "Pick a day between 1970-01-01 and 2999-12-31." in response.content.decode()


def test_dates_are_days_in_pacific_time(agent, searchable):
    # The cases were received on 23 Nov 2026 (Pacific), the morning.
    html = agent.get("/console/search/", {"q": "heartbeats", "received_to": "2026-11-22"})
    assert searchable.failover.tracking_number not in html.content.decode()
    html = agent.get("/console/search/", {"q": "heartbeats", "received_from": "2026-11-23"})
    assert searchable.failover.tracking_number in html.content.decode()


def test_no_match_says_what_to_try(agent, searchable):
    html = agent.get("/console/search/", {"q": "xylophone"}).content.decode()
    assert "No case matches. Try fewer words" in html


def test_contacts_cannot_open_the_console_search(client, world, searchable):
    client.force_login(world.alice.user)
    assert client.get("/console/search/", {"q": "heartbeats"}).status_code == 404


def test_the_environment_filter_narrows_too(agent, searchable):
    html = agent.get("/console/search/", {"q": "heartbeats", "environment": "production"})
    assert "No case matches." in html.content.decode()  # the web form asked; these said nothing


def test_filters_alone_that_match_nothing_say_so(agent, searchable):
    html = agent.get("/console/search/", {"status": "waiting"}).content.decode()
    assert "No case matches. Try fewer words" in html
