"""Issue 18: linking related cases through the services; shown on both cases, audited, and
never showing a contact another organisation's case."""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk.cases import services as cs
from casedesk.cases.models import CaseLink, EventKind

from .helpers import pt

pytestmark = pytest.mark.django_db

MON_10 = pt(2026, 6, 1, 10)


def _open(contact, subject):
    return cs.open_case(contact, channel="web", subject=subject, received_at=MON_10)


def _refs(user, case):
    return [(lc.other.tracking_number, lc.kind_label) for lc in cs.links_of(user, case)]


def test_a_link_shows_on_both_cases_and_both_record_it(world):
    a, b = _open(world.alice, "Scheduler down"), _open(world.alice, "Jobs stuck")
    cs.link_cases(world.agent, b, a.tracking_number.lower(), "duplicate")
    assert _refs(world.agent, a) == [(b.tracking_number, "Possible duplicate")]
    assert _refs(world.agent, b) == [(a.tracking_number, "Possible duplicate")]
    assert _refs(world.alice.user, a) == [(b.tracking_number, "Possible duplicate")]
    linked = a.events.get(kind=EventKind.LINKED)
    assert (linked.public, linked.data) == (
        False,
        {"other": b.tracking_number, "link": "duplicate"},
    )
    assert b.events.filter(kind=EventKind.LINKED).exists()


def test_it_refuses_a_second_link_itself_and_unknown_cases(world):
    a, b = _open(world.alice, "Scheduler down"), _open(world.alice, "Jobs stuck")
    cs.link_cases(world.agent, a, b.tracking_number)
    with pytest.raises(cs.CaseError) as info:
        cs.link_cases(world.agent, b, a.tracking_number)
    assert info.value.message == f"{b.tracking_number} and {a.tracking_number} are already linked."
    with pytest.raises(
        cs.CaseError, match=r"^A case cannot be linked to itself; give another case\.$"
    ):
        cs.link_cases(world.agent, a, a.tracking_number)
    with pytest.raises(cs.CaseError, match=r"^No case CASE-424242; check the tracking number\.$"):
        cs.link_cases(world.agent, a, "CASE-424242")
    with pytest.raises(
        cs.CaseError, match=r"^Say how the cases are linked: related or duplicate\.$"
    ):
        cs.link_cases(world.agent, a, b.tracking_number, "blocks")
    assert CaseLink.objects.count() == 1


def test_a_link_across_customers_is_for_engineers_only(world):
    acme, globex = _open(world.alice, "Scheduler down"), _open(world.bob, "Scheduler down too")
    cs.link_cases(world.agent, acme, globex.tracking_number)
    assert _refs(world.agent, acme) == [(globex.tracking_number, "Related")]
    assert _refs(world.alice.user, acme) == []
    assert _refs(world.bob.user, globex) == []
    with pytest.raises(cs.Forbidden):
        cs.link_cases(world.alice.user, acme, globex.tracking_number)


def test_unlinking_removes_it_from_both_and_records_it(world):
    a, b = _open(world.alice, "Scheduler down"), _open(world.alice, "Jobs stuck")
    cs.link_cases(world.agent, a, b.tracking_number)
    cs.unlink_cases(world.agent, b, a.tracking_number, at=MON_10 + dt.timedelta(hours=1))
    assert _refs(world.agent, a) == _refs(world.agent, b) == []
    assert a.events.filter(kind=EventKind.UNLINKED).count() == 1
    with pytest.raises(cs.CaseError) as info:
        cs.unlink_cases(world.agent, b, a.tracking_number)
    assert info.value.message == f"{b.tracking_number} and {a.tracking_number} are not linked."
