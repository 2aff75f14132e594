"""The SLA watch with a pinned clock: warnings at 50 % and 80 %, breach, cancellation, reschedule.

Times are Pacific wall time (tests.cases.helpers.pt), stored and compared in UTC.
"""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk.cases import services as cs
from casedesk.cases.models import Case
from casedesk.lib import clock
from casedesk.mail.models import OutboundMessage
from casedesk.watch.models import CaseWatch, SlaAlert
from casedesk.watch.sweep import sweep
from tests.cases.helpers import pt

H = dt.timedelta(hours=1)


def _premium_sev2(world, at):
    with clock.pinned(at):
        case = cs.open_case(
            world.alice, channel="web", subject="Cluster down", requested_severity=2
        )
        case = cs.confirm_severity_request(world.agent, case)
        return cs.assign(world.manager, case, world.agent)


def _watch(case):
    return CaseWatch.objects.get(case=case)


def test_it_walks_a_premium_sev2_case_through_50_80_and_breach(world, alert_mail):
    received = pt(2026, 3, 10, 10, 0)  # Tue; Terms: Premium Sev 2 = 4 hours, 24x7
    case = _premium_sev2(world, received)
    assert case.response_deadline == received + 4 * H
    assert _watch(case).next_alert_at == received + 2 * H

    assert sweep(received + 2 * H - dt.timedelta(seconds=1)) == 0
    assert alert_mail == []

    assert sweep(received + 2 * H) == 1
    [warn50] = alert_mail
    assert warn50.to == ["agent@example.com"]  # step 1: the assignee
    assert warn50.subject == (
        f"[{case.tracking_number}] SLA: 50% of the response time used (Acme, Sev 2)"
    )
    assert "First response due: Tue 10 Mar 2026, 14:00 PDT (21:00 UTC)" in warn50.body
    assert _watch(case).next_alert_at == received + 3.2 * H
    assert sweep(received + 3 * H) == 0  # nothing twice

    assert sweep(received + 3.2 * H) == 1
    assert alert_mail[1].to == ["agent@example.com", "manager@example.com"]  # step 2: the team
    assert "80% of the response time used" in alert_mail[1].subject

    assert sweep(received + 4 * H) == 1
    breach = alert_mail[2]
    assert breach.to == ["agent@example.com", "manager@example.com"]  # managers + assignee
    assert "response deadline missed" in breach.subject
    assert _watch(case).next_alert_at is None
    assert sweep(received + 9 * H) == 0
    kinds = list(
        SlaAlert.objects.filter(case=case).order_by("due_at").values_list("kind", "status")
    )
    assert kinds == [("warn50", "mailed"), ("warn80", "mailed"), ("breach", "mailed")]
    mails = OutboundMessage.objects.filter(kind__startswith="sla:").order_by("created_at")
    assert list(mails.values_list("kind", "status", "attempts")) == [
        ("sla:warn50", "sent", 1),
        ("sla:warn80", "sent", 1),
        ("sla:breach", "sent", 1),
    ]
    assert len({m.extra_headers["Message-ID"] for m in alert_mail}) == 3


def test_it_warns_a_standard_sev1_case_from_friday_evening_on_monday(world, alert_mail):
    received = pt(2026, 3, 13, 18, 0)  # Fri, after hours
    with clock.pinned(received):
        case = cs.open_case(world.bob, channel="web", subject="Down", requested_severity=1)
        case = cs.confirm_severity_request(world.agent, case)
    # Terms: Standard Sev 1 = 1 business day: Fri 18:00 + 8 business hours = Mon 17:00.
    assert case.response_deadline == pt(2026, 3, 16, 17, 0)
    # 50 % and 80 % of the business day fall on Monday at 13:00 and 15:24, not at the weekend.
    assert _watch(case).next_alert_at == pt(2026, 3, 16, 13, 0)
    assert sweep(pt(2026, 3, 14, 12, 0)) == 0
    assert sweep(pt(2026, 3, 16, 12, 59)) == 0
    assert sweep(pt(2026, 3, 16, 13, 0)) == 1
    assert _watch(case).next_alert_at == pt(2026, 3, 16, 15, 24)
    assert sweep(pt(2026, 3, 16, 15, 24)) == 1
    assert sweep(pt(2026, 3, 16, 17, 0)) == 1
    assert [m.extra_headers["X-Casedesk-Alert"] for m in alert_mail] == [
        "warn50",
        "warn80",
        "breach",
    ]
    # Unassigned: the first step goes to the whole team. A business-hours level is never paged.
    assert alert_mail[0].to == ["agent@example.com", "manager@example.com"]
    assert not SlaAlert.objects.filter(kind="page").exists()


def test_it_cancels_pending_warnings_when_the_engineer_responds(world, alert_mail):
    received = pt(2026, 3, 10, 10, 0)
    case = _premium_sev2(world, received)
    assert sweep(received + 2 * H) == 1
    with clock.pinned(received + 2.5 * H):
        cs.respond(world.agent, case, "Looking at it now.")
    assert _watch(case).next_alert_at is None
    assert sweep(received + 3.2 * H) == 0
    assert sweep(received + 5 * H) == 0
    assert len(alert_mail) == 1


def test_it_drops_a_warning_made_stale_by_a_response_it_had_not_seen(world, alert_mail):
    """A watch due before the response was stored is re-checked under the case lock."""
    received = pt(2026, 3, 10, 10, 0)
    case = _premium_sev2(world, received)
    with clock.pinned(received + 1 * H):
        cs.respond(world.agent, case, "On it.")
    CaseWatch.objects.filter(case=case).update(next_alert_at=received + 2 * H)  # stale schedule
    assert sweep(received + 2 * H) == 0
    assert alert_mail == []
    assert _watch(case).next_alert_at is None


def test_it_reschedules_when_the_severity_is_raised(world, alert_mail):
    received = pt(2026, 3, 10, 10, 0)  # Tue; Premium Sev 3 = 1 business day: Wed 10:00
    with clock.pinned(received):
        case = cs.open_case(world.alice, channel="web", subject="Slow")
    assert case.response_deadline == pt(2026, 3, 11, 10, 0)
    assert _watch(case).next_alert_at == pt(2026, 3, 10, 14, 0)  # half the business day
    with clock.pinned(pt(2026, 3, 10, 11, 0)):
        case = cs.change_severity(world.agent, case, 2, "Production is affected.")
    # Raised before the first response: the earlier of Wed 10:00 and 11:00 + 4 h.
    assert case.response_deadline == pt(2026, 3, 10, 15, 0)
    assert _watch(case).next_alert_at == pt(2026, 3, 10, 13, 0)  # 50 % of 11:00-15:00
    assert sweep(pt(2026, 3, 10, 13, 0)) == 1
    alert = SlaAlert.objects.get(case=case)
    assert (alert.kind, alert.deadline) == ("warn50", pt(2026, 3, 10, 15, 0))
    assert _watch(case).next_alert_at == pt(2026, 3, 10, 14, 12)


def test_it_warns_again_for_a_new_deadline(world, alert_mail):
    received = pt(2026, 3, 10, 10, 0)
    case = _premium_sev2(world, received)
    assert sweep(received + 2 * H) == 1  # warn50 for the 14:00 deadline
    with clock.pinned(received + 2.5 * H):
        case = cs.change_severity(world.agent, case, 1, "Everything is down.")
    # Premium Sev 1 = 1 hour from the raise: 13:30, warned again at 13:00 for that deadline.
    assert case.response_deadline == received + 3.5 * H
    assert _watch(case).next_alert_kind == "page"  # Severity 1 on 24x7: due at once
    assert sweep(received + 2.5 * H) == 1
    assert sweep(received + 3 * H) == 1
    kinds = set(SlaAlert.objects.filter(case=case).values_list("kind", "deadline"))
    assert kinds == {
        ("warn50", received + 4 * H),
        ("page", received),
        ("warn50", received + 3.5 * H),
    }
    # No pager URL configured: the page goes to the whole team by mail instead of being lost.
    assert alert_mail[1].to == ["agent@example.com", "manager@example.com"]
    assert "Severity 1 needs an engineer now" in alert_mail[1].subject


def test_it_sends_only_the_latest_of_several_overdue_warnings(world, alert_mail):
    received = pt(2026, 3, 10, 10, 0)
    case = _premium_sev2(world, received)
    assert sweep(received + 5 * H) == 1  # the worker was down: the breach alone, not 50/80 too
    assert [a.kind for a in SlaAlert.objects.filter(case=case)] == ["breach"]
    assert len(alert_mail) == 1


@pytest.mark.parametrize("status", ["resolved", "closed"])
def test_it_stops_watching_a_finished_case(world, alert_mail, status):
    received = pt(2026, 3, 10, 10, 0)
    case = _premium_sev2(world, received)
    with clock.pinned(received + H):
        cs.set_status(world.agent, case, status)
    assert sweep(received + 5 * H) == 0
    assert alert_mail == []
    assert Case.objects.get(pk=case.pk).watch.next_alert_at is None


def test_it_never_watches_reasonable_efforts(world):
    with clock.pinned(pt(2026, 3, 10, 10, 0)):
        case = cs.open_case(world.alice, channel="email", subject="Question")  # Premium Sev 4
    assert case.response_deadline is None
    assert _watch(case).next_alert_at is None


def test_the_alert_links_the_console_case_page_and_names_the_level_in_words(
    world, alert_mail, settings
):
    settings.CASEDESK_BASE_URL = "https://desk.example.com"
    received = pt(2026, 3, 10, 10, 0)
    case = _premium_sev2(world, received)
    assert sweep(received + 2 * H) == 1
    [warn50] = alert_mail
    url = f"https://desk.example.com/console/cases/{case.tracking_number}/"
    assert f"Open the case: {url}" in warn50.body
    assert "Customer: Acme, Premium (24x7x365)" in warn50.body
    assert "premium" not in warn50.body
    assert "127.0.0.1:8000" not in warn50.body


def test_an_alert_the_older_watch_left_pending_is_mailed_through_the_outbox(world, alert_mail):
    received = pt(2026, 3, 10, 10, 0)
    case = _premium_sev2(world, received)
    assert sweep(received + 2 * H) == 1
    alert = SlaAlert.objects.get(case=case)
    # As an older casedesk left it: recorded, not yet sent, no outbox mail.
    OutboundMessage.objects.filter(key=f"alert:{alert.pk}").delete()
    SlaAlert.objects.filter(pk=alert.pk).update(status="pending", message_id="")
    assert sweep(received + 2 * H + dt.timedelta(minutes=1)) == 0
    alert.refresh_from_db()
    assert (alert.status, alert.message_id) == (
        "mailed",
        f"sla-{alert.pk}.warn50@support.casedesk.localhost",
    )
    mail = OutboundMessage.objects.get(key=f"alert:{alert.pk}")
    assert (mail.status, mail.to) == ("sent", ["agent@example.com"])
    assert len(alert_mail) == 2  # the first send, and this one with the same Message-ID
    assert alert_mail[0].extra_headers["Message-ID"] == alert_mail[1].extra_headers["Message-ID"]
