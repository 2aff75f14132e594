from __future__ import annotations

import datetime as dt

import pytest

from casedesk.cases import services as cs
from casedesk.cases.models import EventKind, Status
from casedesk.customers import services as customers
from casedesk.lib import clock

from .helpers import pt

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):
    return cs.open_case(
        world.alice, channel="web", subject="Disk full", received_at=pt(2026, 11, 2, 10)
    )


def test_asking_moves_the_case_to_waiting_and_the_customer_reply_back(world, case):
    cs.respond(world.agent, case, "Looking into it.")
    case.refresh_from_db()
    assert case.status == Status.TRIAGED  # a reply is the vendor's work, not a wait
    cs.ask_customer(world.agent, case, "Please send the logs.")
    case.refresh_from_db()
    assert case.status == Status.WAITING
    case = cs.customer_reply(
        world.alice, case, body="Attached.", attachments=[("a.log", "text/plain", b"x")]
    )
    assert case.status == Status.TRIAGED
    assert case.events.filter(kind=EventKind.CUSTOMER_REPLIED).count() == 1


def test_it_refuses_impossible_transitions_with_the_reason(world, case):
    cs.close(world.agent, case, reason="fixed")
    with pytest.raises(cs.CaseError) as info:
        cs.set_status(world.agent, case, Status.WAITING)
    assert (
        info.value.message
        == f"{case.tracking_number} is closed; it cannot move to waiting on customer."
    )


def test_closing_as_excluded_needs_a_terms_code(world, case):
    with pytest.raises(cs.CaseError) as info:
        cs.close_excluded(world.agent, case, "z")
    assert info.value.message.startswith(
        "Choose one of the terms' exclusion codes (a), (b), (c), (d), (e), (i)"
    )
    case = cs.close_excluded(world.agent, case, "vi", reason="This is a training request.")
    assert (case.status, case.exclusion_code) == (Status.EXCLUDED, "vi")
    event = case.events.get(kind=EventKind.EXCLUDED)
    assert event.data["exclusion"] == "Any training."
    assert event.public is True  # the customer sees the exclusion text


def test_the_customer_reopens_within_the_window(world, case):
    with clock.pinned(pt(2026, 11, 3, 10)):
        cs.set_status(world.agent, case, Status.RESOLVED)
    with clock.pinned(pt(2026, 11, 16, 10)):
        case = cs.reopen(world.alice, case, reason="It came back.")
    assert case.status == Status.TRIAGED
    assert case.closed_at is None


def test_reopening_after_the_window_is_refused_with_the_way_forward(world, case):
    with clock.pinned(pt(2026, 11, 3, 10)):
        cs.close(world.agent, case)
    with (
        clock.pinned(pt(2026, 11, 3, 10) + dt.timedelta(days=15)),
        pytest.raises(cs.CaseError) as info,
    ):
        cs.reopen(world.alice, case, reason="again")
    assert info.value.message == (
        f"{case.tracking_number} was closed more than 14 days ago and can no longer be reopened; "
        "open a new case and mention it."
    )


def test_a_reply_after_the_window_opens_a_follow_up_case(world, case):
    with clock.pinned(pt(2026, 11, 3, 10)):
        cs.close(world.agent, case)
    new = cs.customer_reply(world.alice, case, body="Back again", received_at=pt(2026, 12, 1, 10))
    assert new.pk != case.pk
    assert new.follows == case
    assert new.subject.startswith(f"Follow-up to {case.tracking_number}")
    case.refresh_from_db()
    assert case.status == Status.CLOSED


def test_a_reply_within_the_window_reopens_the_case(world, case):
    with clock.pinned(pt(2026, 11, 3, 10)):
        cs.close(world.agent, case)
    same = cs.customer_reply(world.alice, case, body="Not fixed", received_at=pt(2026, 11, 5, 10))
    assert same.pk == case.pk
    assert same.status == Status.TRIAGED
    assert same.events.filter(kind=EventKind.REOPENED).exists()


def test_assigning_triages_a_new_case(world, case):
    case = cs.assign(world.agent, case, world.agent)
    assert (case.assignee, case.status) == (world.agent, Status.TRIAGED)
    with pytest.raises(cs.CaseError) as info:
        cs.assign(world.agent, case, world.alice.user)
    assert info.value.message == "alice is not a support engineer."


def test_emergency_patches_follow_the_level(world, case):
    patch = cs.request_patch(world.alice, case, "Hotfix for CVE in the scheduler")
    patch = cs.deliver_patch(world.agent, patch, "1.12.4-hotfix1 on the download portal")
    assert patch.state == "delivered"
    standard = cs.open_case(world.bob, channel="web", subject="need patch")
    with pytest.raises(cs.CaseError) as info:
        cs.request_patch(world.bob, standard, "please")
    assert "Standard" in info.value.message
    assert "Emergency" in info.value.message


def test_agents_lists_engineers_and_managers_in_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = [u.username for u in cs.agents()]
    assert names == ["agent", "manager"]


def test_a_refused_patch_request_is_history_the_customer_sees(transactional_db, world):
    standard = cs.open_case(world.bob, channel="web", subject="need patch")
    with pytest.raises(cs.CaseError) as info:
        cs.request_patch(world.bob, standard, "Hotfix for the scheduler, please")
    refused = standard.events.get(kind=EventKind.PATCH_REFUSED)
    assert refused.public is True
    assert refused.reason == info.value.message == customers.patch_refusal(world.globex_sub)
    assert refused.body == "Hotfix for the scheduler, please"
    assert refused.actor_label == "Bob Brown <bob@globex.example>"
    assert not standard.patch_requests.exists()
