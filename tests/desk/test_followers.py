"""Followers: colleagues of the same customer (added by the reporter, an engineer, or the Cc of
the customer's mail) get the public updates by mail; engineers watching get the internal ones.
A contact of another customer is never added."""

from __future__ import annotations

import pytest

from casedesk.cases import services as cs
from casedesk.desk.models import Follower
from casedesk.desk.services import followers
from casedesk.mail.models import OutboundMessage

from .conftest import open_case

pytestmark = pytest.mark.django_db


def url(case, action: str = "") -> str:  # type: ignore[no-untyped-def]
    return f"/console/cases/{case.tracking_number}/{action}"


def test_an_engineer_adds_a_colleague_who_then_gets_public_updates_only(agent_client, world, ann):
    case = open_case(world.alice)
    response = agent_client.post(url(case, "followers"), {"email": "ANN@acme.example"})
    assert response.status_code == 302
    reply = cs.respond(world.agent, case, "We are on it.")
    note = cs.add_note(world.agent, case, "Probably the lock bug.")
    mail = OutboundMessage.objects.get(key=f"event:{reply.pk}")
    assert mail.to == ["alice@acme.example", "ann@acme.example"]
    assert not OutboundMessage.objects.filter(key=f"event:{note.pk}").exists()


def test_a_contact_of_another_customer_is_refused_and_the_address_kept(agent_client, world):
    case = open_case(world.alice)
    response = agent_client.post(url(case, "followers"), {"email": "bob@globex.example"})
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "bob@globex.example is not an active support contact of Acme; only the customer&#x27;s "
        "own contacts can follow its cases."
    ) in page
    assert 'value="bob@globex.example"' in page
    assert not Follower.objects.exists()


def test_the_reporter_adds_a_colleague_in_the_portal_and_others_only_themselves(client, world, ann):
    case = open_case(world.alice)
    client.force_login(ann.user)
    portal = f"/portal/cases/{case.tracking_number}/followers/"
    response = client.post(portal, {"email": "alice@acme.example"})
    assert "Only the reporter or a support engineer can add other followers." in (
        response.content.decode()
    )
    client.post(portal, {})  # follow: mail me its updates
    assert [f.contact for f in followers.followers_of(case)] == [ann]
    client.force_login(world.alice.user)
    page = client.get(f"/portal/cases/{case.tracking_number}/").content.decode()
    assert "Ann Able" in page
    client.post(portal, {"email": "ann@acme.example", "remove": "1"})
    assert followers.followers_of(case) == []


def test_a_contact_of_another_customer_never_reaches_the_portal_form(client, world):
    case = open_case(world.alice)
    client.force_login(world.bob.user)
    response = client.post(f"/portal/cases/{case.tracking_number}/followers/", {})
    assert response.status_code == 404
    with pytest.raises(cs.CaseError, match="not an active support contact of Acme"):
        followers.add_follower(world.agent, case, world.bob.email)


def test_cc_addresses_of_the_customer_follow_and_others_are_ignored(world, ann):
    case = open_case(world.alice)
    added = followers.add_from_cc(case, ["Ann@Acme.example", "bob@globex.example", "x@y.z"])
    assert [f.contact for f in added] == [ann]
    assert Follower.objects.get().added_by == "Cc of the customer's mail"


def test_a_watching_engineer_gets_internal_notes_but_not_their_own(world, raj):
    case = open_case(world.alice)
    followers.watch(raj, case)
    note = cs.add_note(world.agent, case, "Probably the lock bug.")
    own = cs.add_note(raj, case, "Agreed.")
    mail = OutboundMessage.objects.get(key=f"watch:{note.pk}")
    assert mail.to == ["raj@example.com"]
    assert "agent · Internal note (internal)" in mail.body
    assert "Probably the lock bug." in mail.body
    assert not OutboundMessage.objects.filter(key=f"watch:{own.pk}").exists()
    followers.watch(raj, case, on=False)
    later = cs.add_note(world.agent, case, "Fixed.")
    assert not OutboundMessage.objects.filter(key=f"watch:{later.pk}").exists()


def test_an_address_with_a_nul_byte_is_refused_in_words(world):
    case = cs.open_case(world.alice, channel="web", subject="Down")
    with pytest.raises(cs.CaseError, match="NUL character"):
        followers.add_follower(world.agent, case, "bob\x00@acme.example")
