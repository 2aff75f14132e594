"""Issue 17: the yearly statement in the console. Engineers and managers open any customer's
(from the customer page), in the terms' zone; only managers mail it to the contacts."""

from __future__ import annotations

import re
from html import unescape

import pytest

from casedesk.customers import services as customers
from casedesk.lib import clock
from casedesk.mail.models import OutboundMessage
from tests.reports.conftest import NOW, build_month

pytestmark = pytest.mark.django_db

URL = "/console/customers/globex/statement/"


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def pinned():  # type: ignore[no-untyped-def]
    with clock.pinned(NOW):
        yield NOW


def test_engineers_view_any_customers_statement_in_the_terms_zone(client, world, pinned):
    month = build_month(world)
    client.force_login(world.agent)
    customer_page = client.get("/console/customers/globex/").content.decode()
    assert f'href="{URL}"' in customer_page
    response = client.get(URL)
    assert response.status_code == 200
    page = _text(response)
    assert "Support statement · Globex" in page
    assert "Times below are in America/Los_Angeles." in page
    assert "Received Thu 5 Nov 2026, 16:00 PST" in page
    assert month["std_overdue"].tracking_number in page
    assert 'id="mail-statement"' not in response.content.decode()


def test_contacts_and_strangers_get_a_404(client, world, pinned):
    client.force_login(world.bob.user)
    assert client.get(URL).status_code == 404
    assert client.post(URL + "mail", {"year": "2026-01-01"}).status_code == 404
    client.force_login(world.agent)
    assert client.get("/console/customers/nobody/statement/").status_code == 404


def test_only_managers_mail_it_to_each_active_contact(client, world, pinned, settings):
    build_month(world)
    client.force_login(world.agent)
    assert client.post(URL + "mail", {"year": "2026-01-01"}).status_code == 404
    assert not OutboundMessage.objects.filter(kind="statement").exists()
    colleague = customers.add_contact(
        world.manager, world.globex, name="Gina Green", email="gina@globex.example", at=NOW
    )
    client.force_login(world.manager)
    page = client.get(URL).content.decode()
    assert 'id="mail-statement"' in page
    response = client.post(URL + "mail", {"year": "2026-01-01"}, follow=True)
    assert "Statement queued for bob@globex.example, gina@globex.example." in _text(response)
    mails = list(OutboundMessage.objects.filter(kind="statement").order_by("to"))
    assert [m.to for m in mails] == [["bob@globex.example"], [colleague.email]]
    body = mails[0].body
    assert mails[0].subject == ("Support statement for Globex: 01 Jan 2026 to 31 Dec 2026 (so far)")
    assert f"{settings.CASEDESK_BASE_URL.rstrip('/')}/portal/statement/?year=2026-01-01" in body
    assert "Cases received: 4" in body
    assert "11 of 10 used (11 charges, 1 refund, 1 over the quota by override)" in body
    assert "answered 1 h 30 min after the deadline" in body
    assert "&amp;" not in body and "&#x27;" not in body


def test_a_customer_without_active_contacts_is_told_not_mailed(client, world, pinned):
    customers.deactivate_contact(world.manager, world.carol, at=NOW, reason="Left the company")
    client.force_login(world.manager)
    response = client.post(
        "/console/customers/initech/statement/mail", {"year": "2026-01-01"}, follow=True
    )
    assert (
        "Initech has no active designated contact to mail the statement to; add a contact first."
        in _text(response)
    )
    assert not OutboundMessage.objects.filter(kind="statement").exists()
