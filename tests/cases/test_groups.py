"""Issue 18: cases routed to support groups at intake and on classification, round-robin among
members on shift, taking a case, the first reply taking it, moving it between groups."""

from __future__ import annotations

import pytest

from casedesk.cases import services as cs
from casedesk.cases.models import EventKind, GroupMember, RoutingRule, Status
from casedesk.cases.presenters import timeline

from .groups_helpers import engineer, group
from .helpers import pt

pytestmark = pytest.mark.django_db

AT = pt(2026, 11, 2, 10)


def _open(contact, **extra):
    extra.setdefault("subject", "Scheduler stuck")
    return cs.open_case(contact, channel="web", received_at=AT, **extra)


def _summaries(case):
    return [e.summary for e in timeline(case, "UTC", internal=True)]


def test_it_routes_a_new_case_by_product_and_kind_first_rule_first(world):
    platform = group("Platform", world.agent, product="dc/os", position=10)
    questions = group("Questions", kind="question", position=20)
    RoutingRule.objects.create(group=platform, product="Other", position=5)
    by_product = _open(world.alice, product="DC/OS", version="2.2.0", kind="question")
    by_kind = _open(world.alice, product="Marathon", kind="question")
    neither = _open(world.alice, product="Marathon", kind="problem")
    assert by_product.group == platform  # product matches in any letter case, rule 10 < 20
    assert by_kind.group == questions
    assert neither.group is None
    assert by_product.assignee is None  # routing alone gives no owner
    assert "Moved to the group Platform" in _summaries(by_product)


def test_round_robin_takes_turns_among_members_on_shift_only(world):
    ana, raj, off = engineer("ana"), engineer("raj"), engineer("zed")
    team = group("Platform", ana, raj, off, round_robin=True, product="DC/OS")
    GroupMember.objects.filter(user=off).update(available=False)  # off shift
    gone = engineer("ex")
    GroupMember.objects.create(group=team, user=gone)
    gone.is_active = False  # left the company: never given cases
    gone.save()
    owners = [_open(world.alice, product="DC/OS").assignee for _ in range(5)]
    assert [u.username for u in owners] == ["ana", "raj", "ana", "raj", "ana"]
    first = _open(world.alice, product="DC/OS")
    assert first.status == Status.NEW  # assigned by the rota, not yet triaged by anyone
    assert "Assigned to raj in turn within Platform" in _summaries(first)


def test_round_robin_with_nobody_on_shift_leaves_the_case_to_the_group(world):
    ana = engineer("ana")
    group("Platform", ana, round_robin=True, product="DC/OS")
    GroupMember.objects.update(available=False)
    case = _open(world.alice, product="DC/OS")
    assert case.group.name == "Platform" and case.assignee is None


def test_classifying_routes_a_case_that_had_no_group(world):
    docs = group("Docs", world.agent, round_robin=True, kind="documentation")
    case = cs.open_case(world.alice, channel="email", subject="Typo", received_at=AT)
    assert case.group is None
    case = cs.classify(world.agent, case, kind="documentation")
    case.refresh_from_db()
    assert case.group == docs and case.assignee == world.agent


def test_classifying_keeps_a_group_an_engineer_chose(world):
    group("Docs", kind="documentation")
    chosen = group("Escalations")
    case = _open(world.alice)
    cs.set_group(world.agent, case, chosen)
    cs.classify(world.agent, case, kind="documentation")
    case.refresh_from_db()
    assert case.group == chosen


def test_an_engineer_takes_an_unassigned_case(world):
    case = _open(world.alice)
    taken = cs.take(world.agent, case)
    assert taken.assignee == world.agent and taken.status == Status.TRIAGED
    event = taken.events.get(kind=EventKind.ASSIGNED)
    assert event.public is False and event.actor == world.agent
    assert "Taken by agent" in _summaries(taken)


def test_taking_is_refused_with_the_reason(world):
    ana = engineer("ana", first_name="Ana", last_name="Lima")
    case = _open(world.alice)
    cs.assign(world.manager, case, ana)
    with pytest.raises(cs.CaseError) as owned:
        cs.take(world.agent, case)
    assert (
        owned.value.message
        == f"{case.tracking_number} is assigned to Ana Lima; ask them, or reassign it."
    )
    with pytest.raises(cs.CaseError, match="is already yours"):
        cs.take(ana, case)
    cs.close(world.agent, case)
    with pytest.raises(cs.CaseError, match="is closed"):
        cs.take(world.agent, cs.access_case(world.agent, case.tracking_number))


def test_a_contact_cannot_take_a_case(world):
    case = _open(world.alice)
    with pytest.raises(cs.Forbidden, match="Only support engineers can take cases."):
        cs.take(world.alice.user, case)


def test_the_first_reply_by_an_engineer_takes_an_unassigned_case(world):
    case = _open(world.alice)
    cs.respond(world.agent, case, "Looking at it.")
    case.refresh_from_db()
    assert case.assignee == world.agent
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[-2:] == [EventKind.ASSIGNED, EventKind.REPLIED]
    assert case.first_response_at is not None  # the reply still stops the clock


def test_a_reply_leaves_an_owned_case_with_its_owner(world):
    ana = engineer("ana")
    case = _open(world.alice)
    cs.assign(world.manager, case, ana)
    cs.respond(world.agent, case, "Covering for Ana.")
    case.refresh_from_db()
    assert case.assignee == ana


def test_an_internal_note_does_not_take_the_case(world):
    case = _open(world.alice)
    cs.add_note(world.agent, case, "Probably the scheduler.")
    case.refresh_from_db()
    assert case.assignee is None


def test_moving_a_case_between_groups(world):
    platform = group("Platform")
    case = _open(world.alice)
    moved = cs.set_group(world.agent, case, platform.pk)
    assert moved.group == platform
    with pytest.raises(cs.CaseError, match="is already in Platform"):
        cs.set_group(world.agent, case, platform)
    assert cs.set_group(world.agent, case, None).group is None
    with pytest.raises(cs.CaseError, match="Choose one of the support groups."):
        cs.set_group(world.agent, case, 999_999)
    assert "Taken out of its group" in _summaries(case)


def test_a_manager_adds_a_group_with_members_off_shift_and_rules(world):
    ana = engineer("ana")
    made = cs.add_group(
        world.manager,
        " Platform ",
        members=[ana, world.agent],
        off_shift=[world.agent],
        round_robin=True,
        rules=[("DC/OS", ""), ("", "question")],
    )
    assert made.name == "Platform"
    on_shift = dict(made.memberships.values_list("user__username", "available"))
    assert on_shift == {"ana": True, "agent": False}
    assert [(r.product, r.kind) for r in made.rules.all()] == [("DC/OS", ""), ("", "question")]
    assert _open(world.alice, product="Marathon", kind="question").assignee == ana
    with pytest.raises(cs.Forbidden, match="Only support managers can add support groups."):
        cs.add_group(world.agent, "Mine")
    with pytest.raises(cs.CaseError, match="Give the group a name."):
        cs.add_group(world.manager, "  ")
