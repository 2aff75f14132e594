"""The effort watch with a pinned clock: a quiet case warns its assignee at the interval and
escalates at twice it, exactly once each; activity starts over; update targets are warned.

Times are Pacific wall time (tests.cases.helpers.pt). 2026-03-10 is a Tuesday.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import casedesk.terms
from casedesk.cases import services as cs
from casedesk.lib import clock
from casedesk.watch.models import EffortWatch, SlaAlert
from casedesk.watch.sweep import sweep
from tests.cases.effort_helpers import example_terms_contact, responded_case
from tests.cases.helpers import pt

pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)
EXAMPLE = Path(casedesk.terms.__file__).parent / "examples" / "update_targets.toml"


def _effort_mail(alert_mail):
    return [m for m in alert_mail if m.extra_headers["X-Casedesk-Alert"].startswith("quiet")]


def test_it_warns_then_escalates_a_quiet_24x7_case_overnight_once_each(world, alert_mail):
    responded = pt(2026, 3, 10, 21, 50)
    case = responded_case(world, world.alice, 1, pt(2026, 3, 10, 21, 0), responded)
    assert EffortWatch.objects.get(case=case).next_at == responded + 2 * H

    assert sweep(responded + 2 * H - dt.timedelta(seconds=1)) == 0
    assert sweep(responded + 2 * H) == 1
    [warning] = _effort_mail(alert_mail)
    assert warning.to == ["agent@example.com"]
    assert warning.subject == (
        f"[{case.tracking_number}] Effort: quiet, no engineer activity (Acme, Sev 1)"
    )
    assert "Last engineer activity: Tue 10 Mar 2026, 21:50 PDT (04:50 UTC)" in warning.body
    assert "No engineer activity for 2 hours on the effort clock (wall time" in warning.body
    assert sweep(responded + 3 * H) == 0  # nothing twice

    assert sweep(responded + 4 * H) == 1
    escalation = _effort_mail(alert_mail)[1]
    assert escalation.to == ["agent@example.com", "manager@example.com"]
    assert "still quiet (escalated)" in escalation.subject
    assert sweep(responded + 30 * H) == 0
    assert SlaAlert.objects.filter(case=case, kind__startswith="quiet").count() == 2


def test_the_case_page_lists_the_quiet_alerts(world, alert_mail, client):
    responded = pt(2026, 3, 10, 9, 0)
    case = responded_case(world, world.alice, 1, pt(2026, 3, 10, 8, 30), responded)
    sweep(responded + 2 * H)
    sweep(responded + 4 * H)
    client.force_login(world.agent)
    html = client.get(f"/console/cases/{case.tracking_number}/").content.decode()
    assert "Quiet warning to assignee" in html
    assert "Quiet escalation to team" in html


def test_it_does_not_warn_a_business_hours_case_overnight(world, alert_mail):
    responded = pt(2026, 3, 10, 16, 30)
    case = responded_case(world, world.bob, 1, pt(2026, 3, 10, 16, 0), responded)
    assert sweep(pt(2026, 3, 11, 8, 0)) == 0  # the night does not count on Standard
    assert _effort_mail(alert_mail) == []
    assert sweep(pt(2026, 3, 11, 10, 30)) == 1
    assert EffortWatch.objects.get(case=case).next_at == pt(2026, 3, 11, 12, 30)


def test_activity_starts_the_interval_over(world, alert_mail):
    responded = pt(2026, 3, 10, 9, 0)
    case = responded_case(world, world.alice, 1, pt(2026, 3, 10, 8, 30), responded)
    assert sweep(responded + 2 * H) == 1
    with clock.pinned(responded + 3 * H):
        cs.add_note(world.agent, case, "Found the cause in the scheduler logs.")
    assert EffortWatch.objects.get(case=case).next_at == responded + 5 * H
    assert sweep(responded + 4 * H) == 0  # the escalation of the old quiet spell is void
    assert sweep(responded + 5 * H) == 1  # a new spell warns the assignee again
    assert [m.to for m in _effort_mail(alert_mail)] == [["agent@example.com"]] * 2


def test_the_latest_due_alert_alone_after_the_worker_was_down(world, alert_mail):
    responded = pt(2026, 3, 10, 9, 0)
    case = responded_case(world, world.alice, 1, pt(2026, 3, 10, 8, 30), responded)
    assert sweep(responded + 5 * H) == 1
    assert list(SlaAlert.objects.filter(case=case).values_list("kind", flat=True)) == ["quiet2x"]


def test_it_warns_when_a_public_update_is_due_under_update_targets(world, alert_mail, settings):
    contact = example_terms_contact(world)  # Premium Sev 1: updates every 2 hours
    responded = pt(2026, 3, 10, 9, 0)
    case = responded_case(world, contact, 1, pt(2026, 3, 10, 8, 30), responded)
    assert case.update_due_at == responded + 2 * H
    with clock.pinned(responded + H):
        cs.add_note(world.agent, case, "Working on it")  # a note is no public update
    case.refresh_from_db()
    assert case.update_due_at == responded + 2 * H
    assert sweep(responded + 2 * H) == 1
    [update] = [m for m in alert_mail if m.extra_headers["X-Casedesk-Alert"] == "update"]
    assert (
        update.subject
        == f"[{case.tracking_number}] Effort: a public update is due (Umbrella, Sev 1)"
    )
    assert "Public update due every 2 hours: due Tue 10 Mar 2026, 11:00 PDT" in update.body
    with clock.pinned(responded + 2.5 * H):
        cs.respond(world.agent, case, "Still on it: the fix is in testing.")
    case.refresh_from_db()
    assert case.update_due_at == responded + 4.5 * H
