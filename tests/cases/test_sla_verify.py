"""`casedesk sla verify` and `casedesk sla explain` against real cases."""

from __future__ import annotations

import io
import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from casedesk.cases import services as cs
from casedesk.cases.models import Case, CaseEvent, EventKind
from casedesk.cases.sla_cli import verify_cases
from casedesk.lib import clock

from .helpers import pt

pytestmark = pytest.mark.django_db


def _lifecycle(world, rng: random.Random, n: int) -> Case:
    """One case through a random but plausible life, entirely through the services."""
    contact = rng.choice([world.alice, world.carol])
    received = pt(2026, 3, 2, 0, 0) + rng.random() * (pt(2026, 10, 30) - pt(2026, 3, 2))
    case = cs.open_case(
        contact, channel=rng.choice(["web", "email"]), subject=f"case {n}", received_at=received
    )
    at = received
    for _ in range(rng.randint(0, 3)):
        at = at + rng.random() * (pt(2026, 1, 2) - pt(2026, 1, 1))
        severity = rng.choice([s for s in (1, 2, 3, 4) if s != case.severity])
        with clock.pinned(at):
            case = cs.change_severity(world.agent, case, severity, "triage")
        if rng.random() < 0.5:
            with clock.pinned(at + (pt(2026, 1, 1, 2) - pt(2026, 1, 1))):
                cs.respond(world.agent, case, "on it")
            case.refresh_from_db()
    return case


def _clone(cases: list[Case], copies: int) -> None:
    """Multiply service-made cases (stored fields and events as the services wrote them)."""
    next_number = Case.objects.order_by("-number").values_list("number", flat=True).first() + 1
    events = {c.pk: list(c.events.all()) for c in cases}
    for _ in range(copies):
        batch = []
        for case in cases:
            clone = Case.objects.get(pk=case.pk)
            clone.pk = None
            clone.number = next_number
            clone.tracking_number = f"CASE-{next_number}"
            next_number += 1
            batch.append((clone, events[case.pk]))
        Case.objects.bulk_create([c for c, _ in batch])
        new_events = []
        for clone, evs in batch:
            for ev in evs:
                ev_copy = CaseEvent(
                    **{f.attname: getattr(ev, f.attname) for f in CaseEvent._meta.fields}
                )
                ev_copy.pk = None
                ev_copy.case_id = clone.pk
                ev_copy.digest = ev_copy.content_digest()  # as recorded for that case
                new_events.append(ev_copy)
        CaseEvent.objects.bulk_create(new_events)


@pytest.mark.slow
def test_verify_finds_no_drift_in_10000_cases_and_reports_an_altered_one(world):
    rng = random.Random(7)
    originals = [_lifecycle(world, rng, n) for n in range(100)]
    _clone(originals, 99)
    assert Case.objects.count() == 10_000
    out = io.StringIO()
    assert verify_cases(out) == 0
    assert (
        out.getvalue()
        .strip()
        .endswith("10000 cases checked, 0 with drift, 0 with history edited after the fact")
    )

    victim = Case.objects.exclude(response_deadline=None).order_by("?").first()
    stored = victim.response_deadline
    Case.objects.filter(pk=victim.pk).update(response_deadline=stored.replace(year=2030))
    out = io.StringIO()
    assert verify_cases(out) == 1
    text = out.getvalue()
    assert f"{victim.tracking_number}: response_deadline stored " in text
    assert " 2030, " in text.split("stored ", 1)[1].split(", events say", 1)[0]
    assert "10000 cases checked, 1 with drift, 0 with history edited" in text


def test_explain_shows_the_steps_and_every_severity_change(world):
    # Premium Sev 3 received Fri 20 Nov 16:30 PT; raised to Sev 1 on Mon 23 Nov 09:10 PT.
    case = cs.open_case(
        world.alice, channel="web", subject="Slow", received_at=pt(2026, 11, 20, 16, 30)
    )
    with clock.pinned(pt(2026, 11, 23, 9, 10)):
        cs.change_severity(world.agent, case, 1, "production down")
    out = io.StringIO()
    call_command("sla", "explain", case.tracking_number, stdout=out)
    text = out.getvalue()
    assert "received via Web form at Severity 3; target 1 business day" in text
    assert "Severity 3 → 1 by agent (production down)" in text
    assert "raised: the earlier of the current deadline (Mon 23 Nov 2026, 16:30 PST)" in text
    assert "→ Mon 23 Nov 2026, 10:10 PST" in text
    assert "Response deadline: Mon 23 Nov 2026, 10:10 PST" in text


def test_explain_an_unknown_case_says_what_to_give(world):
    with pytest.raises(CommandError, match="No case CASE-999999; give a tracking number"):
        call_command("sla", "explain", "CASE-999999")


def test_recompute_applies_the_revised_rule_to_a_stored_deadline(world):
    # A case stored under the old rule: raised 3 -> 1 on Sat 10:00 and lowered to 2 at 10:30
    # gave receipt + 4 h = Fri 20:30. The events say Sat 14:00 under the revised rule.
    received = pt(2026, 11, 20, 16, 30)
    case = cs.open_case(world.alice, channel="web", subject="Outage", received_at=received)
    for severity, at in ((1, pt(2026, 11, 21, 10)), (2, pt(2026, 11, 21, 10, 30))):
        with clock.pinned(at):
            case = cs.change_severity(world.agent, case, severity, "triage")
    assert case.response_deadline == pt(2026, 11, 21, 14)
    Case.objects.filter(pk=case.pk).update(response_deadline=pt(2026, 11, 20, 20, 30))

    out = io.StringIO()
    assert verify_cases(out) == 1
    assert (
        f"{case.tracking_number}: response_deadline stored Fri 20 Nov 2026, 20:30 PST, "
        "events say Sat 21 Nov 2026, 14:00 PST"
    ) in out.getvalue()
    assert "`casedesk sla recompute`" in out.getvalue()

    out = io.StringIO()
    call_command("sla", "recompute", stdout=out)
    text = out.getvalue()
    assert (
        f"{case.tracking_number}: deadline Fri 20 Nov 2026, 20:30 PST → Sat 21 Nov 2026, "
        "14:00 PST (+17 h 30 min)"
    ) in text
    assert "1 recomputed; deadlines moved: 1 later, 0 earlier" in text
    case.refresh_from_db()
    assert case.response_deadline == pt(2026, 11, 21, 14)
    assert verify_cases(io.StringIO()) == 0
    out = io.StringIO()
    call_command("sla", "recompute", stdout=out)
    assert "0 recomputed" in out.getvalue()


def _tamper(sql: str, *params: object) -> None:
    """Edit the event log as someone with database access could: past the append-only
    triggers (which refuse it from any ordinary connection)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks for ALTER
            cursor.execute("ALTER TABLE cases_caseevent DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE cases_caseevent ENABLE TRIGGER USER")
            return
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name = 'cases_caseevent'"
        )
        triggers = cursor.fetchall()
        for name, _ in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        cursor.execute(sql, params)
        for _, create in triggers:
            cursor.execute(create)


def test_verify_reports_an_event_edited_after_the_fact(world):
    case = cs.open_case(world.alice, channel="web", subject="Slow", received_at=pt(2026, 11, 23))
    with clock.pinned(pt(2026, 11, 23, 1)):
        cs.respond(world.agent, case, "Looking into it.")
    reply = case.events.get(kind=EventKind.REPLIED)
    assert verify_cases(io.StringIO()) == 0
    # Someone rewrites what the engineer said; the SLA fields cannot show it, the digest does.
    _tamper("UPDATE cases_caseevent SET body = %s WHERE id = %s", "Fixed already.", reply.pk)
    out = io.StringIO()
    assert verify_cases(out) == 1
    text = out.getvalue()
    assert f"{case.tracking_number}: event {reply.pk} (Replied" in text
    assert "was changed after it was recorded" in text
    assert "0 with drift, 1 with history edited after the fact" in text


def test_verify_reports_a_deleted_receipt_instead_of_failing(world):
    case = cs.open_case(world.alice, channel="web", subject="Slow", received_at=pt(2026, 11, 23))
    _tamper(
        "DELETE FROM cases_caseevent WHERE case_id = %s AND kind = %s",
        case.pk,
        EventKind.RECEIVED,
    )
    out = io.StringIO()
    assert verify_cases(out) == 1
    assert f"{case.tracking_number}: its 'received' event is missing" in out.getvalue()
