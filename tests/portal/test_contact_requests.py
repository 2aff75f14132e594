"""Issue 17: a designated contact asks, in the portal, to transfer their role or add a
colleague; at the contact limit the form says so before anything is sent; a contact never sees
another organisation's requests."""

from __future__ import annotations

from html import unescape

import pytest

from casedesk.customers import services as customers
from casedesk.customers.models import ContactRequest
from casedesk.lib import clock
from tests.cases.helpers import pt

pytestmark = pytest.mark.django_db

NOW = pt(2026, 11, 23, 10, 0)
URL = "/portal/subscription/contacts/request/"


def _as(client, who: str) -> None:
    client.login(username=who, password="pw")


def _page(client) -> str:
    with clock.pinned(NOW):
        return unescape(client.get("/portal/subscription/").content.decode())


def _ask(client, **data):
    with clock.pinned(NOW):
        return client.post(URL, data, follow=True)


def test_a_transfer_request_is_sent_and_listed(client, world):
    _as(client, "bob")
    response = _ask(client, kind="transfer", name="Dana Diaz", email="dana@globex.example")
    page = unescape(response.content.decode())
    assert "Request sent. A support manager will decide" in page
    rows = page[page.index('class="contact-requests"') :]
    assert "transfer my role: Dana Diaz <dana@globex.example></td><td>pending" in rows
    req = ContactRequest.objects.get()
    assert (req.requested_by, req.customer, req.requested_at) == (world.bob, world.globex, NOW)


def test_at_the_limit_the_form_says_so_before_sending_and_keeps_what_was_typed(client, world):
    customers.add_contact(
        world.manager, world.globex, name="Gil Gray", email="gil@globex.example", at=NOW
    )
    _as(client, "bob")
    assert "Adding a colleague is not possible now: Standard, 50 nodes: at most 2" in _page(client)
    response = _ask(client, kind="add", name="Dana Diaz", email="dana@globex.example", note="hi")
    page = unescape(response.content.decode())
    assert response.status_code == 400
    assert "ask to transfer a role instead" in page
    assert 'value="Dana Diaz"' in page and 'value="dana@globex.example"' in page
    assert not ContactRequest.objects.exists()


def test_a_bad_address_is_refused_with_the_reason(client, world):
    _as(client, "bob")
    response = _ask(client, kind="add", name="Dana Diaz", email="dana-at-globex")
    assert response.status_code == 400
    assert '"dana-at-globex" is not an e-mail address.' in unescape(response.content.decode())


def test_a_contact_never_sees_another_organisations_requests(client, world):
    customers.ask_contact_change(
        world.bob, kind="add", name="Dana Diaz", email="dana@globex.example", at=NOW
    )
    _as(client, "alice")
    page = _page(client)
    assert "dana@globex.example" not in page
    assert "No contact requests yet." in page
