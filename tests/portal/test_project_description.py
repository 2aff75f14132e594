"""Issue 17: the customer's contacts keep their Project/Application description real, in the
portal; every change is kept and engineers see the history on the console's customer page."""

from __future__ import annotations

from html import unescape

import pytest

from casedesk.customers import services as customers
from casedesk.customers.models import DescriptionChange
from casedesk.lib import clock
from tests.cases.helpers import pt

pytestmark = pytest.mark.django_db

NOW = pt(2026, 11, 23, 10, 0)
REAL = "Globex runs its order and payment platform on DC/OS 2.2 in two data centres, 50 nodes."


def _post(client, world, text: str, sub=None, who: str = "bob"):
    client.login(username=who, password="pw")
    sub = sub or world.globex_sub
    with clock.pinned(NOW):
        return client.post(
            f"/portal/subscription/{sub.pk}/description/",
            {f"d{sub.pk}-project_description": text},
            follow=True,
        )


def test_a_contact_changes_the_description_and_the_history_keeps_old_and_new(client, world):
    old = world.globex_sub.project_description
    response = _post(client, world, REAL)
    page = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Project/Application description saved." in page
    assert f'<p class="project">{REAL}</p>' in page
    change = DescriptionChange.objects.get(subscription=world.globex_sub)
    assert (change.old_text, change.new_text, change.at) == (old, REAL, NOW)
    assert change.actor == world.bob.user and "Bob Brown" in change.actor_name


def test_a_placeholder_is_refused_with_the_reason_and_the_typed_text_is_kept(client, world):
    response = _post(client, world, "Our web shop")
    page = unescape(response.content.decode())
    assert response.status_code == 400
    assert "at least 40 characters (you wrote 12)" in page
    assert "precondition of support" in page
    assert "Our web shop</textarea>" in page  # what was typed is still in the box
    world.globex_sub.refresh_from_db()
    assert world.globex_sub.project_description != "Our web shop"
    assert not DescriptionChange.objects.exists()


def test_the_same_text_again_adds_no_history_line(client, world):
    _post(client, world, REAL)
    _post(client, world, REAL + "  ")
    assert DescriptionChange.objects.count() == 1


def test_a_contact_cannot_edit_another_organisations_description(client, world):
    before = world.acme_sub.project_description
    response = _post(client, world, REAL, sub=world.acme_sub)
    assert response.status_code == 404
    world.acme_sub.refresh_from_db()
    assert world.acme_sub.project_description == before


def test_the_service_refuses_an_inactive_contact_and_another_customer(world):
    with pytest.raises(customers.EntitlementError, match="active contacts"):
        customers.edit_project_description(world.alice, world.globex_sub, REAL, NOW)
    world.bob.is_active = False
    with pytest.raises(customers.EntitlementError, match="active contacts"):
        customers.edit_project_description(world.bob, world.globex_sub, REAL, NOW)
    assert not DescriptionChange.objects.exists()
