"""The effort fields stored on a case follow engineer activity (DESIGN.md §1 "After the first
response"), and `casedesk sla verify` checks them against the events.

Times are Pacific wall time (tests.cases.helpers.pt). 2026-03-10 is a Tuesday.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from casedesk.cases import services as cs
from casedesk.cases.models import Case
from casedesk.cases.sla_cli import recompute_cases, verify_cases
from casedesk.customers import services as customers
from casedesk.lib import clock

from .effort_helpers import example_terms_contact, responded_case
from .helpers import pt

pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)


def test_a_24x7_severity_1_case_goes_quiet_overnight(world):
    # Premium is 24x7x365: "continuous efforts during all hours", 2 hours of wall time.
    case = responded_case(world, world.alice, 1, pt(2026, 3, 10, 21, 0), pt(2026, 3, 10, 21, 50))
    assert case.last_activity_at == pt(2026, 3, 10, 21, 50)
    assert case.quiet_at == pt(2026, 3, 10, 23, 50)


def test_a_business_hours_severity_1_case_does_not_go_quiet_overnight(world):
    # Standard covers business hours only: 16:30 + 2 business hours is Wednesday 10:30.
    case = responded_case(world, world.bob, 1, pt(2026, 3, 10, 16, 0), pt(2026, 3, 10, 16, 30))
    assert case.quiet_at == pt(2026, 3, 11, 10, 30)


def test_a_note_a_status_change_or_a_patch_delivery_is_activity(world):
    case = responded_case(world, world.alice, 1, pt(2026, 3, 10, 9, 0), pt(2026, 3, 10, 9, 30))
    with clock.pinned(pt(2026, 3, 10, 11, 0)):
        cs.add_note(world.agent, case, "Reproduced in the lab.")
    case.refresh_from_db()
    assert (case.last_activity_at, case.quiet_at) == (pt(2026, 3, 10, 11), pt(2026, 3, 10, 13))
    with clock.pinned(pt(2026, 3, 10, 12, 0)):
        patch = cs.request_patch(world.alice, case, "Please patch the scheduler.")
    case.refresh_from_db()
    assert case.last_activity_at == pt(2026, 3, 10, 11)  # the customer asking is not our work
    with clock.pinned(pt(2026, 3, 10, 12, 30)):
        cs.deliver_patch(world.agent, patch, "Patch 2.2.0-p1 at https://example.com/p1")
    case.refresh_from_db()
    assert case.quiet_at == pt(2026, 3, 10, 14, 30)


def test_time_waiting_on_the_customer_does_not_count(world):
    case = responded_case(world, world.alice, 1, pt(2026, 3, 10, 9, 0), pt(2026, 3, 10, 10, 0))
    with clock.pinned(pt(2026, 3, 10, 10, 30)):
        cs.ask_customer(world.agent, case, ["The scheduler logs"])
    case.refresh_from_db()
    # Waiting: nothing is due. Asking is activity, so the last activity moves.
    assert (case.last_activity_at, case.quiet_at) == (pt(2026, 3, 10, 10, 30), None)
    with clock.pinned(pt(2026, 3, 10, 15, 0)):
        cs.customer_reply(world.alice, case, body="Logs attached.")
    case.refresh_from_db()
    # The customer's answer resumes the clock: 2 hours from 10:30, less the wait, is 17:00.
    assert case.quiet_at == pt(2026, 3, 10, 17, 0)


def test_a_fix_scheduled_or_closed_case_is_never_quiet(world):
    upcoming = customers.add_release(
        world.manager, product="DC/OS", version="2.4.0", ga_on=dt.date(2026, 6, 1)
    )
    scheduled = responded_case(world, world.alice, 3, pt(2026, 3, 10, 9), pt(2026, 3, 10, 10))
    closed = responded_case(world, world.alice, 1, pt(2026, 3, 10, 9), pt(2026, 3, 10, 10))
    with clock.pinned(pt(2026, 3, 10, 11, 0)):
        cs.resolve(world.agent, scheduled, "fixed_in_release", release=upcoming)
        cs.set_status(world.agent, closed, "resolved", reason="Fixed")
    for case in (scheduled, closed):
        case.refresh_from_db()
        assert case.quiet_at is None, case.status
    assert scheduled.status == "scheduled"


def test_no_effort_fields_before_the_first_response(world):
    with clock.pinned(pt(2026, 3, 10, 9, 0)):
        case = cs.open_case(world.alice, channel="web", subject="Question")
        cs.add_note(world.agent, case, "Looks like a config question.")
    case.refresh_from_db()
    assert (case.last_activity_at, case.quiet_at, case.update_due_at) == (None, None, None)


def test_sla_verify_reports_a_drifted_quiet_time_and_recompute_fixes_it(world):
    case = responded_case(world, world.alice, 1, pt(2026, 3, 10, 9, 0), pt(2026, 3, 10, 10, 0))
    Case.objects.filter(pk=case.pk).update(quiet_at=None)
    out = io.StringIO()
    assert verify_cases(out) == 1
    assert (
        f"{case.tracking_number}: quiet_at stored none, events say Tue 10 Mar 2026, 12:00 PDT"
        in out.getvalue()
    )
    out = io.StringIO()
    assert recompute_cases(out) == 1
    assert f"{case.tracking_number}: quiet at none → Tue 10 Mar 2026, 12:00 PDT" in out.getvalue()
    assert verify_cases(io.StringIO()) == 0


def test_sla_explain_shows_the_effort_periods(world):
    case = responded_case(world, world.alice, 1, pt(2026, 3, 10, 9, 0), pt(2026, 3, 10, 10, 0))
    with clock.pinned(pt(2026, 3, 10, 13, 0)):
        cs.add_note(world.agent, case, "Found it")
    out = io.StringIO()
    with clock.pinned(pt(2026, 3, 10, 14, 0)):
        call_command("sla", "explain", case.tracking_number, stdout=out)
    text = out.getvalue()
    assert "Effort after the first response:" in text
    assert "  clock: wall time, all hours (24x7); quiet after 2 hours" in text
    assert (
        "  until Tue 10 Mar 2026, 13:00 PDT: 3 h 0 min on the effort clock: quiet from "
        "Tue 10 Mar 2026, 12:00 PDT"
    ) in text
    assert "  Quiet at Tue 10 Mar 2026, 15:00 PDT without more activity." in text


def test_an_update_target_is_paused_while_waiting_on_the_customer(world):
    contact = example_terms_contact(world)  # Premium Sev 1: a public update every 2 hours
    case = responded_case(world, contact, 1, pt(2026, 3, 10, 9, 0), pt(2026, 3, 10, 10, 0))
    assert case.update_due_at == pt(2026, 3, 10, 12, 0)
    with clock.pinned(pt(2026, 3, 10, 11, 0)):
        cs.ask_customer(world.agent, case, ["The scheduler logs"])
    case.refresh_from_db()
    assert case.update_due_at is None
    with clock.pinned(pt(2026, 3, 10, 14, 0)):
        cs.customer_reply(contact, case, body="Logs attached.")
    case.refresh_from_db()
    # One hour ran before the wait; one more after the customer's answer.
    assert case.update_due_at == pt(2026, 3, 10, 15, 0)
