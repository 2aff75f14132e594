from __future__ import annotations

import datetime as dt

import pytest

from casedesk.cases import services as cs
from casedesk.cases.models import CaseEvent, EventKind, SeverityRequest, Status
from casedesk.customers import services as customers
from casedesk.lib import clock

from .helpers import pt

pytestmark = pytest.mark.django_db


def test_it_starts_web_cases_at_severity_3_with_a_business_day_deadline(world):
    # Premium Sev 3 = 1 business day; Fri 16:30 PT → Mon 16:30 PT (Sat-Sun closed).
    case = cs.open_case(
        world.alice, channel="web", subject="Scheduler stuck", received_at=pt(2026, 11, 20, 16, 30)
    )
    assert case.tracking_number == f"CASE-{case.number}"
    assert case.severity == 3
    assert case.status == Status.NEW
    assert case.response_deadline == pt(2026, 11, 23, 16, 30)
    assert case.response_outcome == ""
    assert [e.kind for e in case.events.all()] == [EventKind.RECEIVED]


def test_it_starts_mail_cases_at_severity_4(world):
    case = cs.open_case(
        world.alice,
        channel="email",
        subject="How do I rotate logs?",
        received_at=pt(2026, 11, 20, 10),
    )
    assert case.severity == 4
    # Premium Sev 4 is "reasonable efforts": no deadline, never breached.
    assert case.response_deadline is None
    assert case.response_outcome == "no_target"


def test_a_requested_severity_above_the_initial_one_waits_for_an_engineer(world):
    case = cs.open_case(world.alice, channel="web", subject="Cluster down", requested_severity=1)
    assert case.severity == 3
    assert case.requested_severity == 1
    assert case.severity_request == SeverityRequest.PENDING
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == [EventKind.RECEIVED, EventKind.SEVERITY_REQUESTED]


def test_a_requested_severity_at_or_below_the_initial_one_needs_no_confirmation(world):
    case = cs.open_case(world.alice, channel="web", subject="Docs typo", requested_severity=4)
    assert case.severity == 3
    assert case.severity_request == SeverityRequest.NONE


def test_tracking_numbers_are_unique_and_increasing(world):
    a = cs.open_case(world.alice, channel="web", subject="one")
    b = cs.open_case(world.bob, channel="email", subject="two")
    assert b.number > a.number
    assert a.tracking_number != b.tracking_number


def test_it_refuses_an_empty_subject_with_the_field(world):
    with pytest.raises(cs.CaseError) as info:
        cs.open_case(world.alice, channel="web", subject="   ")
    assert info.value.message == "A subject is required: say in a few words what is wrong."
    assert info.value.field == "subject"


def test_it_refuses_an_inactive_contact(world):
    with clock.pinned(pt(2026, 11, 2, 9)):
        customers.deactivate_contact(world.manager, world.alice, at=clock.now())
    world.alice.refresh_from_db()
    with pytest.raises(cs.NotEntitled) as info:
        cs.open_case(world.alice, channel="web", subject="x")
    assert info.value.message.startswith(
        "Alice Adams is no longer a designated support contact of Acme since 2026-11-02"
    )


def test_it_refuses_without_a_project_description(world):
    sub = world.acme_sub
    type(sub).objects.filter(pk=sub.pk).update(project_description="")
    with pytest.raises(cs.NotEntitled) as info:
        cs.open_case(world.alice, channel="web", subject="x")
    assert "Project/Application description" in info.value.message


def test_it_refuses_oversized_attachments_before_writing_anything(world, settings):
    settings.CASEDESK_MAX_ATTACHMENT_BYTES = 1024
    with pytest.raises(cs.CaseError) as info:
        cs.open_case(
            world.alice,
            channel="web",
            subject="logs",
            attachments=[("big.log", "text/plain", b"x" * 2048)],
        )
    assert (
        info.value.message
        == "big.log is 2 KB; the limit is 1 KB per file. Compress it or split it, then attach it again."
    )
    assert not CaseEvent.objects.exists()


def test_it_stores_attachments_through_the_storage_api(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = cs.open_case(
        world.alice,
        channel="web",
        subject="logs",
        attachments=[("agent.log", "text/plain", b"boom")],
    )
    attachment = case.attachments.get()
    assert (attachment.name, attachment.content_type, attachment.size) == (
        "agent.log",
        "text/plain",
        4,
    )
    with attachment.file.open("rb") as fh:
        assert fh.read() == b"boom"


def test_it_flags_release_candidates_and_unsupported_versions(world):
    rc = world.releases["rc"]
    eol = world.releases["eol"]
    ok = world.releases["supported"]
    on_rc = cs.open_case(
        world.alice, channel="web", subject="rc", product=rc.product, version=rc.version
    )
    on_eol = cs.open_case(
        world.alice, channel="web", subject="eol", product=eol.product, version=eol.version
    )
    on_ok = cs.open_case(
        world.alice, channel="web", subject="ok", product=ok.product, version=ok.version
    )
    assert on_rc.version_exclusion == "i"
    assert on_eol.version_exclusion == "d"
    assert on_ok.version_exclusion == ""
    # Flagged, not rejected: the cases are open.
    assert on_rc.status == on_eol.status == Status.NEW


def test_version_support_is_judged_on_the_terms_calendar_day(world):
    # Support ends on 20 Nov; 17:00 PST that day is already 21 Nov in UTC.
    release = customers.add_release(
        world.manager,
        product="Marathon",
        version="1.9.0",
        ga_on=dt.date(2025, 1, 1),
        end_of_support_on=dt.date(2026, 11, 20),
    )
    on_last_day = cs.open_case(
        world.alice,
        channel="web",
        subject="late",
        product="Marathon",
        version="1.9.0",
        received_at=pt(2026, 11, 20, 17, 0),
    )
    next_day = cs.open_case(
        world.alice,
        channel="web",
        subject="later",
        product="Marathon",
        version="1.9.0",
        received_at=pt(2026, 11, 21, 0, 30),
    )
    assert release.end_of_support_on == dt.date(2026, 11, 20)
    assert on_last_day.version_exclusion == ""
    assert next_day.version_exclusion == "d"
