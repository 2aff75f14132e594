"""Support managers add, deactivate and transfer contacts on the console's customer page; the
contact's login and sign-in mail come in the same step. Engineers cannot."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from casedesk.customers.models import SupportContact
from casedesk.mail.models import OutboundMessage

pytestmark = pytest.mark.django_db

ADD = {"add-name": "Erin Evans", "add-email": "erin@acme.example", "add-time_zone": "Europe/Berlin"}


@pytest.fixture
def manager_client(client, world, now):  # type: ignore[no-untyped-def]
    client.force_login(world.manager)
    return client


def test_a_manager_sees_the_limit_the_active_contacts_and_the_forms(manager_client) -> None:  # type: ignore[no-untyped-def]
    html = manager_client.get("/console/customers/acme/").content.decode()
    assert 'class="small contact-limit-here"' in html
    assert 'id="add-contact"' in html and "Deactivate" in html
    assert "Alice Adams" in html


def test_a_manager_adds_a_contact_with_a_login_and_a_sign_in_mail(manager_client, world) -> None:  # type: ignore[no-untyped-def]
    response = manager_client.post("/console/customers/acme/contacts/add", ADD, follow=True)
    assert "Erin Evans is a contact; a sign-in link was mailed." in response.content.decode()
    erin = SupportContact.objects.get(email="erin@acme.example")
    assert erin.is_active and erin.time_zone == "Europe/Berlin"
    assert erin.user is not None and not erin.user.has_usable_password()
    mail = OutboundMessage.objects.filter(to=["erin@acme.example"]).get()
    assert "/welcome/" in mail.body


def test_a_refused_address_keeps_what_was_typed_and_creates_no_login(manager_client) -> None:  # type: ignore[no-untyped-def]
    bad = {**ADD, "add-email": "alice@acme.example"}  # already Acme's active contact
    response = manager_client.post("/console/customers/acme/contacts/add", bad)
    assert response.status_code == 400
    html = response.content.decode()
    assert "alice@acme.example is already an active support contact of Acme (Alice Adams)." in html
    assert 'value="Erin Evans"' in html
    assert not User.objects.filter(username="alice@acme.example").exists()


def test_a_manager_deactivates_a_contact(manager_client, world) -> None:  # type: ignore[no-untyped-def]
    url = f"/console/customers/acme/contacts/{world.alice.pk}/deactivate"
    response = manager_client.post(url, {"reason": "left the company"}, follow=True)
    assert "Alice Adams is deactivated" in response.content.decode()
    world.alice.refresh_from_db()
    assert not world.alice.is_active
    assert world.alice.deactivation_reason == "left the company"


def test_a_manager_transfers_a_role_with_a_new_login(manager_client, world) -> None:  # type: ignore[no-untyped-def]
    url = f"/console/customers/acme/contacts/{world.alice.pk}/transfer"
    body = {
        f"t{world.alice.pk}-name": "Frank Fox",
        f"t{world.alice.pk}-email": "frank@acme.example",
    }
    response = manager_client.post(url, body, follow=True)
    assert "Alice Adams&#x27;s role went to Frank Fox" in response.content.decode()
    frank = SupportContact.objects.get(email="frank@acme.example")
    assert frank.replaces_id == world.alice.pk and frank.user is not None
    world.alice.refresh_from_db()
    assert not world.alice.is_active
    assert OutboundMessage.objects.filter(to=["frank@acme.example"]).exists()


def test_engineers_see_the_contacts_but_cannot_change_them(client, world, now) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.agent)
    html = client.get("/console/customers/acme/").content.decode()
    assert "Alice Adams" in html and 'id="add-contact"' not in html and "Deactivate" not in html
    assert client.post("/console/customers/acme/contacts/add", ADD).status_code == 404
    url = f"/console/customers/acme/contacts/{world.alice.pk}/deactivate"
    assert client.post(url, {"reason": "x"}).status_code == 404
    world.alice.refresh_from_db()
    assert world.alice.is_active
    assert not SupportContact.objects.filter(email="erin@acme.example").exists()


def test_another_customers_contact_is_not_found(manager_client, world) -> None:  # type: ignore[no-untyped-def]
    url = f"/console/customers/acme/contacts/{world.bob.pk}/deactivate"
    assert manager_client.post(url, {"reason": "x"}).status_code == 404
    world.bob.refresh_from_db()
    assert world.bob.is_active
