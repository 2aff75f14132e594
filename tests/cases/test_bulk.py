"""Issue 18: one action on many cases, each through its own service, each refused on its own
with the service's reason while the others are done."""

from __future__ import annotations

import pytest

from casedesk.cases import services as cs
from casedesk.cases.models import Resolution, Status

from .groups_helpers import engineer, group
from .helpers import pt

pytestmark = pytest.mark.django_db

AT = pt(2026, 11, 2, 10)


def _open(contact, subject="Scheduler stuck"):
    return cs.open_case(contact, channel="web", subject=subject, received_at=AT)


def _refs(*cases):
    return [c.tracking_number for c in cases]


def _fresh(case):
    case.refresh_from_db()
    return case


def test_close_as_duplicate_refuses_the_original_and_another_customers_case(world):
    original, copy1, copy2 = _open(world.alice), _open(world.alice), _open(world.alice)
    theirs = _open(world.bob)
    results = cs.apply_bulk(
        world.agent,
        _refs(copy1, original, theirs, copy2),
        cs.Bulk("duplicate", duplicate_of=original.tracking_number.lower()),
    )
    assert [(o.ref, o.done) for o in results] == [
        (copy1.tracking_number, True),
        (original.tracking_number, False),
        (theirs.tracking_number, False),
        (copy2.tracking_number, True),
    ]
    assert results[0].message == f"Closed as a duplicate of {original.tracking_number}."
    assert results[1].message == (
        "Give the tracking number of another case of Acme that this one duplicates."
    )
    assert results[2].message == (
        "Give the tracking number of another case of Globex that this one duplicates."
    )
    assert _fresh(copy1).resolution == Resolution.DUPLICATE
    assert _fresh(copy1).duplicate_of == original
    assert _fresh(original).status == Status.NEW
    assert _fresh(theirs).status == Status.NEW


def test_close_as_excluded_checks_each_cases_terms_and_state(world):
    open_one, closed = _open(world.alice), _open(world.carol)
    cs.close(world.agent, closed)
    results = cs.apply_bulk(
        world.agent, _refs(open_one, closed), cs.Bulk("exclude", code="a", reason="Custom code")
    )
    assert [o.done for o in results] == [True, False]
    assert results[0].message == "Closed as out of scope under exclusion (a)."
    assert results[1].message == f"{closed.tracking_number} is already closed."
    assert _fresh(open_one).exclusion_code == "a"
    refused = cs.apply_bulk(world.agent, _refs(_open(world.alice)), cs.Bulk("exclude", code="zz"))
    assert not refused[0].done and "Choose one of the terms' exclusion codes" in refused[0].message


def test_assign_and_change_status_say_what_they_did_and_refuse_what_they_cannot(world):
    ana = engineer("ana", first_name="Ana", last_name="Lima")
    a, b = _open(world.alice), _open(world.bob)
    cs.assign(world.agent, b, ana)
    results = cs.apply_bulk(world.agent, _refs(a, b), cs.Bulk("assign", assignee=ana.pk))
    assert [(o.done, o.message) for o in results] == [
        (True, "Assigned to Ana Lima."),
        (False, "Already assigned to Ana Lima."),
    ]
    cs.close(world.agent, b)
    moved = cs.apply_bulk(world.agent, _refs(a, b), cs.Bulk("status", status=Status.WAITING))
    assert [(o.done, o.message) for o in moved] == [
        (True, "Moved to waiting on customer."),
        (False, f"{b.tracking_number} is closed; it cannot move to waiting on customer."),
    ]


def test_add_to_group_and_unknown_cases(world):
    platform = group("Platform")
    a = _open(world.alice)
    results = cs.apply_bulk(
        world.agent, [a.tracking_number, "NOPE-1"], cs.Bulk("group", group=platform.pk)
    )
    assert [(o.ref, o.done, o.message) for o in results] == [
        (a.tracking_number, True, "Moved to Platform."),
        ("NOPE-1", False, "No case NOPE-1 that you can see."),
    ]
    again = cs.apply_bulk(world.agent, [a.tracking_number], cs.Bulk("group", group=platform.pk))
    assert again[0].message == f"{a.tracking_number} is already in Platform."


def test_what_the_whole_request_lacks_is_refused_before_any_case(world):
    a = _open(world.alice)
    cases = [
        (cs.Bulk("status", status="excluded"), "Choose the status to move the cases to"),
        (cs.Bulk("duplicate"), "Give the tracking number of the case they duplicate."),
        (cs.Bulk("exclude"), "Choose the exclusion the cases fall under."),
        (cs.Bulk("assign", assignee=999_999), "Choose an engineer to assign the cases to."),
        (cs.Bulk("explode"), "Choose what to do with the selected cases"),
    ]
    for bulk, message in cases:
        with pytest.raises(cs.CaseError, match=message):
            cs.apply_bulk(world.agent, [a.tracking_number], bulk)
    with pytest.raises(cs.CaseError, match="Tick at least one case first."):
        cs.apply_bulk(world.agent, [" "], cs.Bulk("status", status="closed"))
    assert _fresh(a).status == Status.NEW


def test_only_engineers_act_in_bulk(world):
    a = _open(world.alice)
    with pytest.raises(cs.Forbidden, match="Only support engineers can act on several cases"):
        cs.apply_bulk(world.alice.user, [a.tracking_number], cs.Bulk("status", status="closed"))
    assert _fresh(a).status == Status.NEW
