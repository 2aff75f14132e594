"""Console pages for held mail: list, read, attach to a contact, add the sender, discard."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from casedesk.cases.models import Case
from casedesk.mail import intake
from casedesk.mail.models import InboundMessage
from tests.mail.conftest import SUPPORT, make_mail

pytestmark = pytest.mark.django_db(transaction=True)

STRANGER = "Dana Diaz <dana@acme.example>"


@pytest.fixture
def held(world: Any, mail_settings: Any, pinned_now: Any) -> InboundMessage:
    raw = make_mail(
        sender=STRANGER,
        subject="Sev 2: please help",
        html='<p>Broken <b>now</b></p><script>alert("x")</script>',
        attachments=[("boot.log", "text/plain", b"log line\n")],
    )
    reply = intake.accept(raw, envelope_from="dana@acme.example", recipients=[SUPPORT])
    assert reply == intake.REPLY_HELD
    return InboundMessage.objects.get()


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_lists_held_mail_and_links_it_from_the_queue(world: Any, held: Any) -> None:
    client = as_user(world.agent)
    page = client.get("/console/mail/").content.decode()
    assert f'href="/console/mail/{held.pk}/"' in page
    assert "dana@acme.example" in page
    queue = client.get("/console/").content.decode()
    assert f'<a href="/console/mail/{held.pk}/">Sev 2: please help</a>' in queue


def test_the_list_is_paginated_in_few_queries(
    world: Any, held: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(55):
        intake.accept(
            make_mail(sender=f"x{n}@nowhere.example"),
            envelope_from="",
            recipients=[SUPPORT],
        )
    client = as_user(world.agent)
    with django_assert_max_num_queries(8):
        first = client.get("/console/mail/").content.decode()
    assert "Page 1 of 2" in first
    assert "Page 2 of 2" in client.get("/console/mail/?page=2").content.decode()


def test_it_shows_the_sanitised_message_headers_and_attachments(world: Any, held: Any) -> None:
    page = as_user(world.agent).get(f"/console/mail/{held.pk}/").content.decode()
    assert "<p>Broken <b>now</b></p>" in page
    assert "alert(" not in page
    assert "boot.log" in page
    assert "<th>From</th><td>Dana Diaz &lt;dana@acme.example&gt;</td>" in page
    assert "The sender is not an active support contact." in page


def test_only_engineers_see_held_mail(world: Any, held: Any) -> None:
    assert as_user(world.alice.user).get(f"/console/mail/{held.pk}/").status_code == 404
    assert as_user(world.alice.user).get("/console/mail/").status_code == 404
    post = as_user(world.alice.user).post(f"/console/mail/{held.pk}/discard", {"reason": "x"})
    assert post.status_code == 404
    assert Client().get("/console/mail/").status_code == 302  # to the login page
    assert as_user(world.agent).get("/console/mail/999999/").status_code == 404


def test_it_attaches_held_mail_to_a_chosen_contact_as_a_case(world: Any, held: Any) -> None:
    response = as_user(world.agent).post(
        f"/console/mail/{held.pk}/attach", {"contact": world.alice.pk}
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/console/cases/{case.tracking_number}/"
    assert (case.contact, case.severity, case.requested_severity) == (world.alice, 4, 2)
    held.refresh_from_db()
    assert (held.status, held.case, held.decided_by) == ("processed", case, world.agent)
    assert held.decision == "Attached to Acme: Alice Adams <alice@acme.example>."


def test_a_second_decision_on_the_same_message_is_refused(world: Any, held: Any) -> None:
    client = as_user(world.agent)
    client.post(f"/console/mail/{held.pk}/attach", {"contact": world.alice.pk})
    again = client.post(f"/console/mail/{held.pk}/discard", {"reason": "spam"})
    assert again.status_code == 409
    assert "Someone else already decided on this message." in again.content.decode()
    assert Case.objects.count() == 1


def test_a_manager_adds_the_sender_as_a_contact_and_attaches(world: Any, held: Any) -> None:
    response = as_user(world.manager).post(
        f"/console/mail/{held.pk}/add-contact", {"customer": world.acme.pk, "name": "Dana Diaz"}
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert (case.contact.email, case.contact.name, case.customer) == (
        "dana@acme.example",
        "Dana Diaz",
        world.acme,
    )


def test_an_engineer_cannot_add_contacts(world: Any, held: Any) -> None:
    response = as_user(world.agent).post(
        f"/console/mail/{held.pk}/add-contact", {"customer": world.acme.pk, "name": "Dana"}
    )
    assert response.status_code == 403
    assert "Only a support manager can designate support contacts." in response.content.decode()
    assert Case.objects.count() == 0


def test_the_contact_limit_is_shown_when_adding_the_sender(world: Any, held: Any) -> None:
    from casedesk.customers import services
    from casedesk.lib import clock

    # globex (Standard) allows 2 active contacts: bob and this one.
    services.add_contact(
        world.manager, world.globex, name="G2", email="g2@globex.example", at=clock.now()
    )
    response = as_user(world.manager).post(
        f"/console/mail/{held.pk}/add-contact", {"customer": world.globex.pk, "name": "Dana"}
    )
    assert response.status_code == 409
    assert "2 are active" in response.content.decode()
    held.refresh_from_db()
    assert held.status == "held_unverified"


def test_it_discards_with_a_reason_and_keeps_the_message(world: Any, held: Any) -> None:
    client = as_user(world.agent)
    empty = client.post(f"/console/mail/{held.pk}/discard", {"reason": ""})
    assert empty.status_code == 400
    response = client.post(f"/console/mail/{held.pk}/discard", {"reason": "Sales enquiry"})
    assert (response.status_code, response["Location"]) == (302, "/console/mail/")
    held.refresh_from_db()
    assert (held.status, held.decision, held.decided_by) == (
        "discarded",
        "Sales enquiry",
        world.agent,
    )
    listed = client.get("/console/mail/?status=discarded").content.decode()
    assert "Sales enquiry" in listed
