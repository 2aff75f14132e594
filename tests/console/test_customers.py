"""Customer pages: subscriptions, contacts with the limit, the quota ledger, recent cases."""

from __future__ import annotations

import re

import pytest

from casedesk.cases import services as cs

from .conftest import open_case

pytestmark = pytest.mark.django_db


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_it_lists_customers_with_contacts_and_open_cases(agent_client, world):
    open_case(world.alice)
    closed = open_case(world.alice)
    cs.close(world.agent, closed)
    html = text(agent_client.get("/console/customers/").content.decode())
    assert "Acme 1 1" in html
    assert "Globex 1 0" in html
    assert "Initech 1 0" in html


def test_it_shows_the_subscription_and_the_contact_limit(agent_client, world):
    html = text(agent_client.get("/console/customers/acme/").content.decode())
    assert "Premium · 120 nodes · 2026-01-01 – 2027-12-31 current" in html
    assert "Acme&#x27;s order platform on DC/OS" in html
    assert "Contacts: 1 of 8 active contacts (Premium, 120 nodes)" in html
    assert "Alice Adams alice@acme.example America/Los_Angeles Active" in html
    assert "Severity 1/2 incidents: unlimited." in html


def test_it_says_the_coverage_in_words_not_the_terms_key(agent_client, world):
    acme = text(agent_client.get("/console/customers/acme/").content.decode())
    globex = text(agent_client.get("/console/customers/globex/").content.decode())
    assert "covered 24x7x365 · emergency patches included" in acme
    assert "covered in business hours · emergency patches not included" in globex
    assert "business_hours" not in globex


def test_it_shows_the_quota_ledger_and_status(agent_client, world):
    case = open_case(world.bob)
    cs.change_severity(world.agent, case, 2, "Outage")
    html = text(agent_client.get("/console/customers/globex/").content.decode())
    assert "Incident quota this year: 1 of 10 used until 2027-01-01" in html
    assert f"23 Nov 2026, 10:00 PST {case.tracking_number} charge 2026-01-01 agent" in html


def test_it_shows_recent_cases_newest_first(agent_client, world):
    old = open_case(world.carol, minutes_ago=60, subject="older")
    new = open_case(world.carol, subject="newer")
    html = agent_client.get("/console/customers/initech/").content.decode()
    assert html.index(new.tracking_number) < html.index(old.tracking_number)
    assert "No cases yet." in agent_client.get("/console/customers/acme/").content.decode()
