"""Severity changes before and after the first response, against DESIGN's rule."""

from __future__ import annotations

import pytest
from django.db import transaction

from casedesk.cases import services as cs
from casedesk.cases.deadlines import drift
from casedesk.cases.explain import explain_lines
from casedesk.cases.models import Case, EventKind, SeverityRequest, Status
from casedesk.customers import services as customers
from casedesk.customers.models import QuotaEntry
from casedesk.lib import clock

from .helpers import pt

pytestmark = pytest.mark.django_db

MON_10 = pt(2026, 11, 23, 10, 0)  # Monday 23 Nov 2026, 10:00 PT


@pytest.fixture
def premium_case(world):
    # Premium Sev 3 (web) received Mon 10:00 PT: due Tue 10:00 PT (1 business day).
    return cs.open_case(world.alice, channel="web", subject="Slow API", received_at=MON_10)


def _change(world, case, severity, at, reason="triage"):
    with clock.pinned(at):
        return cs.change_severity(world.agent, case, severity, reason)


def test_raising_takes_the_earlier_of_current_deadline_and_change_plus_target(world, premium_case):
    assert premium_case.response_deadline == pt(2026, 11, 24, 10, 0)
    case = _change(world, premium_case, 1, pt(2026, 11, 23, 11, 0))
    assert case.response_deadline == pt(2026, 11, 23, 12, 0)  # 11:00 + 1 h
    assert case.lowered_before_response is False


def test_raising_never_extends_the_current_deadline(world, premium_case):
    # Change at Tue 08:00 to Sev 2 (4 h): 12:00 is later than Tue 10:00, so 10:00 stays.
    case = _change(world, premium_case, 2, pt(2026, 11, 24, 8, 0))
    assert case.response_deadline == pt(2026, 11, 24, 10, 0)


def test_raising_from_reasonable_efforts_counts_none_as_never(world):
    case = cs.open_case(world.alice, channel="email", subject="question", received_at=MON_10)
    assert case.response_deadline is None
    case = _change(world, case, 3, pt(2026, 11, 23, 11, 0))
    assert case.response_deadline == pt(2026, 11, 24, 11, 0)


def test_lowering_without_a_raise_counts_from_receipt_and_is_counted(world):
    case = cs.open_case(world.alice, channel="web", subject="Down", received_at=MON_10)
    case = _change(world, case, 1, MON_10)  # judged Sev 1 at receipt: due 11:00
    case = _change(world, case, 2, pt(2026, 11, 23, 10, 20))
    assert case.response_deadline == pt(2026, 11, 23, 14, 0)  # receipt 10:00 + 4 h
    assert case.lowered_before_response is True


def test_lowering_after_a_raise_rereads_the_raise_and_is_counted(world, premium_case):
    case = _change(world, premium_case, 1, pt(2026, 11, 23, 10, 10))
    assert case.response_deadline == pt(2026, 11, 23, 11, 10)
    case = _change(world, case, 2, pt(2026, 11, 23, 10, 20))
    # Judged Sev 2 from the raise at 10:10 (not from receipt): 10:10 + 4 h.
    assert case.response_deadline == pt(2026, 11, 23, 14, 10)
    assert case.lowered_before_response is True
    case = _change(world, case, 4, pt(2026, 11, 23, 10, 30))
    assert case.response_deadline is None
    assert case.response_outcome == "no_target"


def test_the_issue_example_is_due_saturday_afternoon_not_friday(world):
    # Premium web case received Fri 16:30 PT at Sev 3 (due Mon 16:30), raised to 1 on Sat
    # 10:00 (due 11:00), lowered to 2 at 10:30: due Sat 14:00 (the old rule: Fri 20:30).
    case = cs.open_case(
        world.alice, channel="web", subject="Outage", received_at=pt(2026, 11, 20, 16, 30)
    )
    assert case.response_deadline == pt(2026, 11, 23, 16, 30)
    case = _change(world, case, 1, pt(2026, 11, 21, 10, 0))
    assert case.response_deadline == pt(2026, 11, 21, 11, 0)
    case = _change(world, case, 2, pt(2026, 11, 21, 10, 30))
    assert case.response_deadline == pt(2026, 11, 21, 14, 0)
    assert drift(case, case.events.all()) == {}  # `sla verify` derives the same deadline
    lines = "\n".join(explain_lines(case))
    assert "every earlier judgement above it reads as Severity 2" in lines
    assert "Severity 2 from Sat 21 Nov 2026, 10:00 PST + 4 hours" in lines
    assert "Response deadline: Sat 21 Nov 2026, 14:00 PST" in lines


def test_after_the_first_response_the_outcome_is_final(world, premium_case):
    with clock.pinned(pt(2026, 11, 23, 15, 0)):
        cs.respond(world.agent, premium_case, "Looking at it now.")
    premium_case.refresh_from_db()
    assert premium_case.first_response_at == pt(2026, 11, 23, 15, 0)
    assert premium_case.response_outcome == "met"
    case = _change(world, premium_case, 1, pt(2026, 11, 23, 16, 0))
    assert case.response_deadline == pt(2026, 11, 24, 10, 0)
    assert case.response_outcome == "met"
    case = _change(world, case, 4, pt(2026, 11, 23, 16, 30))
    assert case.response_deadline == pt(2026, 11, 24, 10, 0)
    assert case.lowered_before_response is False


def test_a_late_first_response_is_breached(world, premium_case):
    case = _change(world, premium_case, 1, pt(2026, 11, 23, 10, 5))
    with clock.pinned(pt(2026, 11, 23, 11, 30)):
        cs.respond(world.agent, case, "Sorry for the wait.")
    case.refresh_from_db()
    assert case.response_outcome == "breached"


def test_notes_do_not_stop_the_clock(world, premium_case):
    with clock.pinned(pt(2026, 11, 23, 10, 30)):
        cs.add_note(world.agent, premium_case, "probably the DNS again")
    premium_case.refresh_from_db()
    assert premium_case.first_response_at is None
    note = premium_case.events.get(kind=EventKind.NOTE)
    assert note.public is False


def test_a_reason_is_required(world, premium_case):
    with pytest.raises(cs.CaseError) as info:
        cs.change_severity(world.agent, premium_case, 1, "  ")
    assert info.value.message == "Give a reason for the severity change; it goes in the audit log."


def test_customers_cannot_change_severity_directly(world, premium_case):
    with pytest.raises(cs.Forbidden) as info:
        cs.change_severity(world.alice.user, premium_case, 1, "please")
    assert info.value.message == "Only support engineers can change a case's severity."


def test_every_change_is_in_the_audit_log_with_its_reason(world, premium_case):
    _change(world, premium_case, 2, pt(2026, 11, 23, 10, 5), reason="customer production impact")
    event = premium_case.events.get(kind=EventKind.SEVERITY_CHANGED)
    assert (event.data["from"], event.data["to"], event.reason) == (
        3,
        2,
        "customer production impact",
    )
    assert event.actor == world.agent


def test_confirming_a_request_applies_it(world):
    case = cs.open_case(
        world.alice, channel="web", subject="Down", requested_severity=1, received_at=MON_10
    )
    with clock.pinned(pt(2026, 11, 23, 10, 5)):
        case = cs.confirm_severity_request(world.agent, case)
    assert case.severity == 1
    assert case.severity_request == SeverityRequest.CONFIRMED
    assert case.response_deadline == pt(2026, 11, 23, 11, 5)


def test_declining_a_request_needs_a_reason_and_keeps_the_severity(world):
    case = cs.open_case(world.alice, channel="web", subject="Down", requested_severity=1)
    with pytest.raises(cs.CaseError):
        cs.decline_severity_request(world.agent, case, "")
    case = cs.decline_severity_request(world.agent, case, "Staging only, not production.")
    assert case.severity == 3
    assert case.severity_request == SeverityRequest.DECLINED


def _standard_case(world, n):
    return cs.open_case(
        world.bob, channel="web", subject=f"incident {n}", received_at=pt(2026, 6, 1, 10, n)
    )


def test_the_standard_quota_refuses_the_eleventh_incident(world):
    for n in range(10):
        _change(world, _standard_case(world, n), 1, pt(2026, 6, 1, 11, n))
    assert QuotaEntry.objects.filter(subscription=world.globex_sub, kind="charge").count() == 10
    eleventh = _standard_case(world, 10)
    with pytest.raises(cs.CaseError) as info:
        _change(world, eleventh, 2, pt(2026, 6, 1, 12, 0))
    assert "10 of 10 used until" in info.value.message
    eleventh.refresh_from_db()
    assert eleventh.severity == 3  # the case stays open at its old severity; nothing is lost
    assert eleventh.is_open


def test_an_engineer_can_override_the_quota_with_a_reason(world):
    for n in range(10):
        _change(world, _standard_case(world, n), 2, pt(2026, 6, 1, 11, n))
    eleventh = _standard_case(world, 10)
    with clock.pinned(pt(2026, 6, 1, 12, 0)):
        case = cs.change_severity(
            world.agent, eleventh, 1, "outage", override_quota_reason="VP approved goodwill"
        )
    assert case.severity == 1
    event = case.events.get(kind=EventKind.QUOTA_OVERRIDDEN)
    assert event.reason == "VP approved goodwill"


def test_a_case_is_charged_once_however_often_it_moves(world):
    case = _standard_case(world, 0)
    case = _change(world, case, 1, pt(2026, 6, 1, 11, 0))
    case = _change(world, case, 3, pt(2026, 6, 1, 11, 5))
    _change(world, case, 2, pt(2026, 6, 1, 11, 10))
    assert QuotaEntry.objects.filter(subscription=world.globex_sub, kind="charge").count() == 1


def test_setting_exactly_the_requested_severity_answers_the_request(world):
    case = cs.open_case(
        world.alice, channel="web", subject="Down", requested_severity=2, received_at=MON_10
    )
    case = _change(world, case, 2, pt(2026, 11, 23, 10, 5), reason="Production is disrupted.")
    assert case.severity_request == SeverityRequest.CONFIRMED
    event = case.events.get(kind=EventKind.SEVERITY_CHANGED)
    assert event.data == {
        "from": 3,
        "to": 2,
        "before_first_response": True,
        "request": "confirmed",
        "requested": 2,
    }
    assert event.reason == "Production is disrupted."


def test_setting_another_severity_leaves_the_request_waiting(world):
    case = cs.open_case(
        world.alice, channel="web", subject="Down", requested_severity=1, received_at=MON_10
    )
    case = _change(world, case, 2, pt(2026, 11, 23, 10, 5))
    assert case.severity_request == SeverityRequest.PENDING
    assert "request" not in case.events.get(kind=EventKind.SEVERITY_CHANGED).data


def test_confirming_checks_the_request_under_the_lock(world):
    case = cs.open_case(world.alice, channel="web", subject="Down", requested_severity=1)
    stale = Case.objects.get(pk=case.pk)  # read before another engineer declined it
    cs.decline_severity_request(world.agent, case, "Staging only, not production.")
    with pytest.raises(cs.CaseError) as info:
        cs.confirm_severity_request(world.agent, stale)
    assert info.value.message == f"{case.tracking_number} has no severity request waiting."
    case.refresh_from_db()
    assert (case.severity, case.severity_request) == (3, SeverityRequest.DECLINED)


@pytest.mark.parametrize("status", [Status.CLOSED, Status.EXCLUDED])
def test_a_closed_case_keeps_its_severity_and_charges_nothing(world, status):
    case = _standard_case(world, 0)
    with clock.pinned(pt(2026, 6, 1, 10, 30)):
        if status == Status.CLOSED:
            cs.close(world.agent, case, reason="Answered.")
        else:
            cs.close_excluded(world.agent, case, "c", reason="Third-party plugin.")
    with pytest.raises(cs.CaseError) as info:
        _change(world, case, 1, pt(2026, 6, 1, 11, 0))
    assert info.value.message == (
        f"{case.tracking_number} is closed; a closed case's severity cannot change."
    )
    case.refresh_from_db()
    assert case.severity == 3
    assert not QuotaEntry.objects.exists()
    assert not case.events.filter(kind=EventKind.SEVERITY_CHANGED).exists()


def test_a_resolved_case_is_moved_back_before_its_severity_changes(world):
    case = _standard_case(world, 0)
    with clock.pinned(pt(2026, 6, 1, 10, 30)):
        cs.set_status(world.agent, case, Status.RESOLVED)
    with pytest.raises(cs.CaseError) as info:
        _change(world, case, 2, pt(2026, 6, 1, 11, 0))
    assert info.value.message == (
        f"{case.tracking_number} is resolved; move it back to triaged before changing its severity."
    )
    assert not QuotaEntry.objects.exists()


def test_a_customer_cannot_ask_for_another_severity_on_a_closed_case(world):
    case = _standard_case(world, 0)
    cs.close(world.agent, case)
    with pytest.raises(cs.CaseError) as info:
        cs.request_severity_change(world.bob, case, 1, "It is down again.")
    assert info.value.message == (
        f"{case.tracking_number} is closed; reply to it or open a new case to ask for another "
        "severity."
    )


def test_a_refused_quota_raise_is_recorded_for_engineers(world):
    for n in range(10):
        _change(world, _standard_case(world, n), 1, pt(2026, 6, 1, 11, n))
    eleventh = _standard_case(world, 10)
    with pytest.raises(cs.CaseError):
        _change(world, eleventh, 2, pt(2026, 6, 1, 12, 0), reason="Orders fail")
    refused = eleventh.events.get(kind=EventKind.QUOTA_REFUSED)
    assert refused.public is False
    assert refused.actor == world.agent
    assert refused.at == pt(2026, 6, 1, 12, 0)
    assert refused.data == {"requested": 2, "current": 3, "quota": "10 of 10 used until 2027-01-01"}
    assert refused.reason == "Orders fail"
    assert not eleventh.events.filter(kind=EventKind.SEVERITY_CHANGED).exists()
    assert not QuotaEntry.objects.filter(case_ref=eleventh.tracking_number).exists()


def test_a_refused_quota_raise_is_committed_although_the_change_is_not(transactional_db, world):
    for n in range(10):
        customers.charge_incident(
            world.agent, world.globex_sub, case_ref=f"OLD-{n}", at=pt(2026, 5, 1, 10, n)
        )
    case = _standard_case(world, 0)
    with pytest.raises(cs.CaseError):
        _change(world, case, 1, pt(2026, 6, 1, 12, 0))
    assert not transaction.get_connection().in_atomic_block  # what follows reads committed rows
    assert list(case.events.values_list("kind", flat=True)) == [
        EventKind.RECEIVED,
        EventKind.QUOTA_REFUSED,
    ]
