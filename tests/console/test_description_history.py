"""Issue 17: engineers see who changed a customer's Project/Application description, when, and
from what to what, on the console's customer page."""

from __future__ import annotations

from html import unescape

import pytest

from casedesk.customers import services as customers
from tests.cases.helpers import pt

pytestmark = pytest.mark.django_db

REAL = "Globex runs its order and payment platform on DC/OS 2.2 in two data centres, 50 nodes."


def test_engineers_see_the_history_on_the_customer_page(agent_client, world):
    old = world.globex_sub.project_description
    customers.edit_project_description(world.bob, world.globex_sub, REAL, pt(2026, 11, 2, 9, 30))
    page = unescape(agent_client.get("/console/customers/globex/").content.decode())
    history = page[page.index('class="description-history"') :]
    assert "Description history (1)" in history
    assert "02 Nov 2026, 09:30 PST" in history
    assert f"<td>{old}</td><td>{REAL}</td>" in history
    assert f"Bob Brown <{world.bob.email}>" in history


def test_a_description_never_changed_says_so(agent_client, world):
    page = unescape(agent_client.get("/console/customers/acme/").content.decode())
    assert "Description never changed by the customer." in page
