"""Issue 18: merging a duplicate into another case of the same customer, through the services:
the conversation and files, the refusals, quota charged once, SLA history kept, mail, replies."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from casedesk.cases import notifications
from casedesk.cases import services as cs
from casedesk.cases.models import Attachment, CaseEvent, EventKind, Status
from casedesk.cases.sla_cli import verify_cases
from casedesk.customers import services as customers
from casedesk.lib import clock
from casedesk.mail.models import OutboundMessage
from casedesk.reports.queries.quota import quota_use
from casedesk.search.services.cases import search_cases

from .helpers import pt

pytestmark = pytest.mark.django_db

MON_10 = pt(2026, 6, 1, 10)
LATER = MON_10 + dt.timedelta(hours=3)


def _open(contact, subject, minutes=0, **extra):
    at = MON_10 + dt.timedelta(minutes=minutes)
    with clock.pinned(at):
        return cs.open_case(contact, channel="web", subject=subject, received_at=at, **extra)


@pytest.fixture
def pair(world):
    """Alice's original (answered) and her duplicate, with a reply, a file and a note."""
    original = _open(world.alice, "Scheduler down", description="Jobs stopped at 09:00.")
    cs.respond(world.agent, original, "Looking into it.", at=MON_10 + dt.timedelta(minutes=20))
    duplicate = _open(world.alice, "Jobs stuck", minutes=30, description="Nothing runs.")
    cs.customer_reply(
        world.alice,
        duplicate,
        body="Here is the log.",
        received_at=MON_10 + dt.timedelta(minutes=40),
        attachments=[("scheduler.log", "text/plain", b"ERROR lock held")],
    )
    cs.add_note(
        world.agent, duplicate, "Same lock as the first.", at=MON_10 + dt.timedelta(hours=1)
    )
    return original, duplicate


def test_it_moves_the_conversation_and_files_into_the_target(world, pair):
    original, duplicate = pair
    before = list(duplicate.events.values_list("pk", "digest"))
    deadline = original.response_deadline
    cs.merge_cases(world.agent, duplicate, original.tracking_number, note="Same outage.", at=LATER)

    duplicate.refresh_from_db()
    original.refresh_from_db()
    assert (duplicate.status, duplicate.resolution) == (Status.CLOSED, "duplicate")
    assert duplicate.duplicate_of_id == original.pk
    assert cs.merged_into(duplicate) == original.tracking_number
    # The duplicate's history is untouched; the merge only added to it.
    assert (
        list(duplicate.events.filter(pk__in=[p for p, _ in before]).values_list("pk", "digest"))
        == before
    )

    public = original.events.get(kind=EventKind.MERGED, public=True)
    assert public.body.startswith(
        f"{duplicate.tracking_number} “Jobs stuck”, reported by Alice Adams, was merged into this "
        "case. Its conversation:"
    )
    assert "Nothing runs." in public.body and "Here is the log." in public.body
    assert "Same lock as the first." not in public.body
    internal = original.events.get(kind=EventKind.MERGED, public=False)
    assert "Same lock as the first." in internal.body
    copied = Attachment.objects.get(case=original)
    source = Attachment.objects.get(case=duplicate)
    assert (copied.name, copied.event_id, copied.file.name) == (
        "scheduler.log",
        public.pk,
        source.file.name,
    )
    assert copied.file.read() == b"ERROR lock held"
    # The target's SLA is its own: no new deadline, no new response.
    assert original.response_deadline == deadline
    assert original.first_response_at == MON_10 + dt.timedelta(minutes=20)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("itself", "A case cannot be merged into itself; give the case it duplicates."),
        (
            "other_customer",
            "{target} is Globex's case and {dup} is Acme's: only cases of the same customer can "
            "be merged. Link them as related instead.",
        ),
        (
            "target_resolved",
            "{target} is resolved; move it back to triaged first, then merge {dup} into it.",
        ),
        ("target_closed", "{target} is closed; merge {dup} into an open case instead."),
        ("duplicate_closed", "{dup} is closed; only an open case can be merged into another."),
    ],
)
def test_it_refuses_with_a_reason(world, setup, message):
    dup = _open(world.alice, "Jobs stuck")
    target = _open(world.bob if setup == "other_customer" else world.alice, "Scheduler down")
    if setup == "itself":
        target = dup
    elif setup == "target_resolved":
        cs.resolve(world.agent, target, "answered", at=LATER)
    elif setup == "target_closed":
        cs.close(world.agent, target, at=LATER)
    elif setup == "duplicate_closed":
        cs.close(world.agent, dup, at=LATER)
    with pytest.raises(cs.CaseError) as info:
        cs.merge_cases(world.agent, dup, target.tracking_number, at=LATER)
    assert info.value.message == message.format(
        dup=dup.tracking_number, target=target.tracking_number
    )
    assert info.value.field == "into"
    assert not CaseEvent.objects.filter(kind=EventKind.MERGED).exists()


def test_it_refuses_a_target_that_is_itself_merged_and_unknown_cases(world):
    first = _open(world.alice, "Scheduler down")
    second = _open(world.alice, "Jobs stuck")
    third = _open(world.alice, "Still stuck")
    cs.merge_cases(world.agent, second, first.tracking_number, at=LATER)
    with pytest.raises(cs.CaseError) as info:
        cs.merge_cases(world.agent, third, second.tracking_number, at=LATER)
    assert info.value.message == (
        f"{second.tracking_number} is itself a duplicate of {first.tracking_number}; merge "
        f"{third.tracking_number} into {first.tracking_number} instead."
    )
    with pytest.raises(cs.CaseError) as info:
        cs.merge_cases(world.agent, first, second.tracking_number, at=LATER)
    assert info.value.message == (
        f"{second.tracking_number} was merged into {first.tracking_number} already."
    )
    with pytest.raises(cs.CaseError, match=r"^No case CASE-999999; check the tracking number\.$"):
        cs.merge_cases(world.agent, third, "case-999999", at=LATER)


def test_only_engineers_merge(world, pair):
    original, duplicate = pair
    with pytest.raises(cs.Forbidden, match="Only support engineers can merge cases."):
        cs.merge_cases(world.alice.user, duplicate, original.tracking_number)


def _severity_2(world, case, minutes):
    return cs.change_severity(
        world.agent, case, 2, "Production is down.", at=MON_10 + dt.timedelta(minutes=minutes)
    )


def test_the_incident_is_charged_once_in_the_ledger_and_the_report(world):
    original = _severity_2(world, _open(world.bob, "Orders fail"), 5)
    duplicate = _severity_2(world, _open(world.bob, "Checkout broken", minutes=10), 15)
    sub = world.globex_sub
    assert customers.quota_status(sub, LATER).used == 2
    plan = cs.plan_merge(world.agent, duplicate, original.tracking_number)
    assert plan.refund is True
    assert plan.lines()[3] == (
        f"Both cases are charged a Severity 1/2 incident: {duplicate.tracking_number}'s charge "
        "is refunded, so the incident counts once."
    )
    assert plan.lines()[4] == "bob@globex.example is told by mail."

    merged = cs.merge_cases(world.agent, duplicate, original.tracking_number, at=LATER)

    assert merged.refunded is True
    assert customers.quota_status(sub, LATER).used == 1
    (year,) = [y for y in quota_use(LATER.date()) if y.subscription == sub and y.ledger]
    assert (year.used, year.charges, year.refunds) == (1, 2, 1)
    refund = duplicate.events.get(kind=EventKind.QUOTA_REFUNDED)
    assert (refund.public, refund.data["quota"]) == (False, "1 of 10 used until 2027-01-01")


def test_a_charge_held_by_the_duplicate_alone_stays(world):
    original = _open(world.bob, "Orders fail")
    duplicate = _severity_2(world, _open(world.bob, "Checkout broken", minutes=10), 15)
    merged = cs.merge_cases(world.agent, duplicate, original.tracking_number, at=LATER)
    assert merged.refunded is False
    assert customers.quota_status(world.globex_sub, LATER).used == 1


def test_sla_history_of_both_stays_verified_and_explained(world, pair):
    original, duplicate = pair
    with clock.pinned(LATER):
        cs.merge_cases(world.agent, duplicate, original.tracking_number, at=LATER)
        out = io.StringIO()
        assert verify_cases(out) == 0, out.getvalue()
        explained = io.StringIO()
        call_command("sla", "explain", duplicate.tracking_number, stdout=explained)
        target_explained = io.StringIO()
        call_command("sla", "explain", original.tracking_number, stdout=target_explained)
    assert (
        f"Merged into {original.tracking_number} on Mon 01 Jun 2026, 13:00 PDT by agent: closed "
        "as its duplicate. The deadline and the outcome above are this case's own, as recorded; "
        f"the work goes on in {original.tracking_number}."
    ) in explained.getvalue()
    assert "Resolution: duplicate (closed)" in explained.getvalue()
    assert (
        f"{duplicate.tracking_number} was merged into this case on Mon 01 Jun 2026, 13:00 PDT by "
        "agent; its messages were copied here. A merge is not a response: this case's deadline "
        "did not change."
    ) in target_explained.getvalue()


def test_both_contacts_are_told_by_mail(world, pair):
    original, duplicate = pair
    cs.merge_cases(world.agent, duplicate, original.tracking_number, at=LATER)
    closing = duplicate.events.get(kind=EventKind.RESOLVED)
    merged = original.events.get(kind=EventKind.MERGED, public=True)
    for event in (closing, merged):
        queued = OutboundMessage.objects.get(key=f"event:{event.pk}")
        assert queued.to == ["alice@acme.example"]
    dup, orig = duplicate.tracking_number, original.tracking_number
    assert notifications.render_event(closing).startswith(
        f"Case {dup} reports the same problem as case {orig}, so it was merged into {orig} and "
        f"closed. Its messages and files are part of case {orig} now; please follow and reply "
        f"on case {orig}."
    )
    assert notifications.render_event(merged) == (
        f"Case {dup} (Jobs stuck) reports the same problem as case {orig}, so it was merged "
        f"into {orig}: its messages and files are part of case {orig} now, and the work goes "
        "on here.\n"
    )
    assert not OutboundMessage.objects.filter(
        key=f"event:{original.events.get(kind=EventKind.MERGED, public=False).pk}"
    ).exists()


def test_a_reply_to_the_merged_case_lands_on_the_target(world, pair):
    original, duplicate = pair
    cs.merge_cases(world.agent, duplicate, original.tracking_number, at=LATER)
    duplicate.refresh_from_db()
    assert cs.can_reopen(duplicate, LATER) is False
    landed = cs.customer_reply(
        world.alice, duplicate, body="Any news?", received_at=LATER + dt.timedelta(hours=1)
    )
    assert landed.pk == original.pk
    assert original.events.filter(kind=EventKind.CUSTOMER_REPLIED, body="Any news?").exists()
    duplicate.refresh_from_db()
    assert duplicate.status == Status.CLOSED
    with pytest.raises(cs.CaseError, match="reply on that case instead"):
        cs.reopen(world.alice, duplicate, reason="Not fixed")


def test_the_target_is_found_by_the_duplicates_words_and_file_names(world, pair):
    original, duplicate = pair
    cs.merge_cases(world.agent, duplicate, original.tracking_number, note="Same outage.", at=LATER)
    for words in ('"here is the log"', "scheduler.log"):
        found = {hit.case.pk for hit in search_cases(world.agent, words).hits}
        assert original.pk in found, words
