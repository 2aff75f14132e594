"""Issue 16 part A at the service level: kind and environment, waiting on the customer (with
the example terms file that turns reminders on), resolution kinds and a scheduled fix."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from casedesk.cases import notifications
from casedesk.cases import services as cs
from casedesk.cases.models import EventKind, InfoRequest, Status, WaitingNotice
from casedesk.cases.waiting import waiting_periods
from casedesk.customers import services as customers
from casedesk.lib import clock
from casedesk.mail.models import OutboundMessage
from casedesk.terms.scope import non_production_flag
from tests.conftest import run_cli
from tests.world import SETUP_AT, TERM

from .helpers import pt

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "terms-waiting.toml"
MON_10 = pt(2026, 6, 1, 10)


def _open(world, **extra):
    return cs.open_case(
        world.alice, channel="web", subject="Scheduler down", received_at=MON_10, **extra
    )


# -- kind and environment --------------------------------------------------------------------


def test_kind_and_environment_are_kept_from_the_form_and_unknown_from_mail(world):
    case = _open(world, kind="problem", environment="production")
    assert (case.kind, case.environment) == ("problem", "production")
    mailed = cs.open_case(world.alice, channel="email", subject="Help", received_at=MON_10)
    assert (mailed.kind, mailed.environment) == ("unknown", "unknown")


def test_a_wrong_kind_is_refused_naming_the_choices(world):
    with pytest.raises(cs.CaseError) as info:
        _open(world, kind="outage")
    assert info.value.field == "kind"
    assert "Unknown kind 'outage'; use one of question, problem" in info.value.message


def test_an_engineer_changes_the_kind_and_the_change_is_audited(world):
    case = cs.open_case(world.alice, channel="email", subject="Help", received_at=MON_10)
    case = cs.classify(world.agent, case, kind="bug_fix", environment="non_production")
    event = case.events.get(kind=EventKind.CLASSIFIED)
    assert event.data == {
        "case_kind": ["unknown", "bug_fix"],
        "environment": ["unknown", "non_production"],
    }
    assert (event.actor_label, event.public) == ("agent", False)
    with pytest.raises(cs.Forbidden):
        cs.classify(world.alice.user, case, kind="question")


def test_severity_1_outside_production_is_flagged_in_the_definitions_words(world):
    terms = world.acme_sub.terms
    flag = non_production_flag(terms, 1)
    assert flag.startswith("Severity 1 is defined for a Production Environment")
    assert "conduct business in a Production Environment" in flag
    assert non_production_flag(terms, 3) is None


# -- waiting on the customer -----------------------------------------------------------------


def test_asking_waits_and_the_reply_resumes_with_a_waiting_period(world):
    case = _open(world)
    cs.respond(world.agent, case, "Looking into it.", at=MON_10 + dt.timedelta(minutes=20))
    asked_at = MON_10 + dt.timedelta(hours=1)
    request = cs.ask_customer(
        world.agent, case, "The scheduler log\nThe output of `dcos node`", at=asked_at
    )
    assert request.items == ["The scheduler log", "The output of `dcos node`"]
    case.refresh_from_db()
    assert case.status == Status.WAITING and cs.open_request(case) == request
    replied_at = asked_at + dt.timedelta(hours=3)
    case = cs.customer_reply(
        world.alice,
        case,
        body="Here.",
        attachments=[("s.log", "text/plain", b"x")],
        received_at=replied_at,
    )
    request.refresh_from_db()
    assert (case.status, request.state) == (Status.TRIAGED, InfoRequest.State.ANSWERED)
    assert cs.open_request(case) is None
    periods = waiting_periods(case.events.all())
    assert [(p.start, p.end) for p in periods] == [(asked_at, replied_at)]


def test_an_empty_request_is_refused_and_records_nothing(world):
    case = _open(world)
    with pytest.raises(cs.CaseError) as info:
        cs.ask_customer(world.agent, case, " \n ")
    assert info.value.field == "items" and "one item a line" in info.value.message
    assert not case.events.filter(kind=EventKind.INFO_REQUESTED).exists()


def test_the_default_terms_never_remind(world, mailoutbox):
    case = _open(world)
    request = cs.ask_customer(world.agent, case, "Logs", at=MON_10)
    assert request.next_due_at is None
    assert cs.remind_due(MON_10 + dt.timedelta(days=60)) == 0


def _waiting_contact(world):
    result = run_cli("terms", "check", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    version = customers.terms_version_for(EXAMPLE.read_text(encoding="utf-8"))
    org = customers.create_customer(world.manager, name="Umbrella", slug="umbrella", at=SETUP_AT)
    customers.create_subscription(
        world.manager,
        org,
        level="premium",
        nodes=10,
        starts_on=TERM[0],
        ends_on=TERM[1],
        project_description="Billing on DC/OS",
        at=SETUP_AT,
        terms_version=version,
    )
    return customers.add_contact(
        world.manager, org, name="Dana Doe", email="dana@umbrella.example", at=SETUP_AT
    )


def test_the_example_terms_remind_twice_then_resolve_each_once_and_mailed(world):
    dana = _waiting_contact(world)
    case = cs.open_case(dana, channel="web", subject="Slow", received_at=MON_10)
    request = cs.ask_customer(world.agent, case, "Logs", at=MON_10)
    # Mon 1 June 10:00 + 3 business days = Thu 4 June 10:00 (Pacific business hours).
    assert request.next_due_at == pt(2026, 6, 4, 10)
    assert cs.remind_due(pt(2026, 6, 4, 9, 59)) == 0
    assert cs.remind_due(pt(2026, 6, 4, 10)) == 1
    assert cs.remind_due(pt(2026, 6, 4, 10)) == 0  # exactly once
    assert cs.remind_due(pt(2026, 6, 9, 10)) == 1  # 6 business days
    assert cs.remind_due(pt(2026, 6, 15, 9)) == 0
    assert cs.remind_due(pt(2026, 6, 15, 10)) == 1  # 10 business days: resolved
    case.refresh_from_db()
    assert (case.status, case.resolution) == (Status.RESOLVED, "no_reply")
    steps = list(WaitingNotice.objects.order_by("at").values_list("step", flat=True))
    assert steps == ["reminder1", "reminder2", "auto_resolve"]
    reminders = case.events.filter(kind=EventKind.REMINDED)
    assert [e.data["reminder"] for e in reminders] == [1, 2]
    mailed = [
        notifications.write_event_mail(m)
        for m in OutboundMessage.objects.filter(case_id=case.pk, to=["dana@umbrella.example"])
        .exclude(key__startswith="ack")
        .order_by("pk")
    ]
    assert len(mailed) == 4  # the request, two reminders, the automatic resolution
    assert "needs more information on case" in mailed[0]
    assert "still waiting for the information we asked for:\n\n  - Logs" in mailed[1]
    assert "No reply in 10 business days" in mailed[3]


def test_a_reply_stops_the_reminders(world):
    dana = _waiting_contact(world)
    case = cs.open_case(dana, channel="web", subject="Slow", received_at=MON_10)
    cs.ask_customer(world.agent, case, "Logs", at=MON_10)
    cs.customer_reply(dana, case, body="Attached", received_at=pt(2026, 6, 2, 10))
    assert cs.remind_due(pt(2026, 6, 30, 10)) == 0
    assert not WaitingNotice.objects.exists()


# -- resolution ------------------------------------------------------------------------------


def test_resolving_needs_to_say_how(world):
    case = _open(world)
    with pytest.raises(cs.CaseError) as info:
        cs.resolve(world.agent, case, "")
    assert info.value.field == "how" and "answered, workaround" in info.value.message
    case = cs.resolve(world.agent, case, "workaround", note="Restart the agent nightly.")
    assert (case.status, case.resolution) == (Status.RESOLVED, "workaround")
    event = case.events.get(kind=EventKind.RESOLVED)
    assert (event.data["how"], event.body) == ("workaround", "Restart the agent nightly.")


def test_a_duplicate_must_be_another_case_of_the_same_customer(world):
    case = _open(world)
    theirs = cs.open_case(world.bob, channel="web", subject="Other", received_at=MON_10)
    with pytest.raises(cs.CaseError) as info:
        cs.resolve(world.agent, case, "duplicate", duplicate_of=theirs.tracking_number)
    assert info.value.field == "duplicate_of" and "another case of Acme" in info.value.message
    first = _open(world)
    case = cs.resolve(world.agent, case, "duplicate", duplicate_of=first.tracking_number.lower())
    assert case.duplicate_of == first


def test_a_patch_resolution_needs_the_delivered_patch(world):
    case = _open(world)
    patch = cs.request_patch(world.alice, case, "Fix the leak")
    with pytest.raises(cs.CaseError) as info:
        cs.resolve(world.agent, case, "patch_delivered", patch=patch.pk)
    assert "not delivered yet" in info.value.message
    cs.deliver_patch(world.agent, patch, "2.2.0-hotfix1 on the portal")
    case = cs.resolve(world.agent, case, "patch_delivered", patch=patch)
    assert case.resolution_patch == patch


def test_excluded_needs_a_code(world):
    case = _open(world)
    with pytest.raises(cs.CaseError):
        cs.resolve(world.agent, case, "excluded", code="zz")
    case = cs.resolve(world.agent, case, "excluded", code="vi")
    assert (case.status, case.resolution) == (Status.EXCLUDED, "excluded")


def test_a_fix_in_a_future_release_is_scheduled_and_resolved_once_at_ga(world, mailoutbox):
    future = customers.add_release(
        world.manager, product="DC/OS", version="2.4.0", ga_on=dt.date(2026, 7, 1)
    )
    case = _open(world)
    with clock.pinned(pt(2026, 6, 2, 10)):
        case = cs.resolve(world.agent, case, "fixed_in_release", release=future.pk)
    assert (case.status, case.closed_at) == (Status.FIX_SCHEDULED, None)
    assert case.is_open  # the customer may still reply to it
    assert cs.resolve_released(pt(2026, 6, 30, 23)) == 0  # 30 June in Pacific time
    assert cs.resolve_released(pt(2026, 7, 1, 0, 1)) == 1
    assert cs.resolve_released(pt(2026, 7, 1, 0, 2)) == 0
    case.refresh_from_db()
    assert (case.status, case.resolution) == (Status.RESOLVED, "fixed_in_release")
    released = case.events.get(kind=EventKind.FIX_RELEASED)
    mail = OutboundMessage.objects.get(key=f"event:{released.pk}")
    assert mail.to == ["alice@acme.example"]
    assert "the fix is in DC/OS 2.4.0, generally available since 2026-07-01" in (
        notifications.write_event_mail(mail)
    )


def test_a_fix_in_a_released_version_resolves_at_once(world):
    case = _open(world)
    case = cs.resolve(world.agent, case, "fixed_in_release", release=world.releases["supported"])
    assert case.status == Status.RESOLVED


def test_moving_the_ga_date_earlier_resolves_at_the_next_pass(world):
    future = customers.add_release(
        world.manager, product="DC/OS", version="2.4.0", ga_on=dt.date(2026, 9, 1)
    )
    case = _open(world)
    with clock.pinned(pt(2026, 6, 2, 10)):
        cs.resolve(world.agent, case, "fixed_in_release", release=future.pk)
    assert cs.resolve_released(pt(2026, 6, 3, 10)) == 0
    customers.update_release(
        world.manager, future, ga_on=dt.date(2026, 6, 3), end_of_support_on=None, production=True
    )
    assert cs.resolve_released(pt(2026, 6, 3, 10)) == 1
