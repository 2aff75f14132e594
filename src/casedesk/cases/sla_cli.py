"""`casedesk sla explain CASE` and `casedesk sla verify`."""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.core.management.base import CommandError

from casedesk.cases.models import Case, CaseEvent, EventKind
from casedesk.cases.services.sla_fields import counts_as_response, derive, drift
from casedesk.terms import sla


def _fmt(t: dt.datetime | None, tz: str) -> str:
    if t is None:
        return "none (reasonable efforts)"
    from zoneinfo import ZoneInfo

    return t.astimezone(ZoneInfo(tz)).strftime("%a %d %b %Y %H:%M %Z")


def explain_lines(case: Case, tz: str | None = None) -> list[str]:
    """The steps behind a case's deadline and the effect of every severity change, with times
    in `tz` (default: the terms' calendar zone)."""
    terms = case.terms_version.terms
    tz = tz or terms.calendar.timezone
    events = list(case.events.order_by("at", "id"))
    received = next(e for e in events if e.kind == EventKind.RECEIVED)
    first = int(received.data["severity"])
    level = terms.level(case.level)
    lines = [
        f"{case.tracking_number} — {case.subject}",
        f"{level.name} ({level.coverage}), received via {case.get_channel_display()} "
        f"at Severity {first}; target {level.target(first)}.",
        "",
        "Deadline at receipt:",
    ]
    explanation = sla.explain(terms, case.level, first, case.received_at, tz=tz)
    lines += [f"  {step.text}" for step in explanation.steps]
    deadline = explanation.deadline
    responded: dt.datetime | None = None
    for event in events:
        if responded is None and counts_as_response(event):
            responded = event.at
        if event.kind != EventKind.SEVERITY_CHANGED:
            continue
        old, new = int(event.data["from"]), int(event.data["to"])
        head = (
            f"{_fmt(event.at, tz)}: Severity {old} → {new} by {event.actor_label} ({event.reason})"
        )
        if responded is not None:
            lines += ["", head, "  after the first response: the response outcome is final."]
            continue
        new_deadline = sla.changed_deadline(
            terms,
            case.level,
            received=case.received_at,
            current_deadline=deadline,
            changed_at=event.at,
            old_severity=old,
            new_severity=new,
            first_response_at=None,
        )
        rule = (
            f"raised: the earlier of the current deadline ({_fmt(deadline, tz)}) and change time + "
            f"{level.target(new)}"
            if new < old
            else f"lowered: receipt + {level.target(new)}"
        )
        lines += ["", head, f"  {rule} → {_fmt(new_deadline, tz)}"]
        deadline = new_deadline
    lines += ["", f"Response deadline: {_fmt(deadline, tz)}"]
    outcome = sla.response_outcome(terms, case.level, deadline, responded, _now())
    lines.append(
        f"First response: {_fmt(responded, tz) if responded else 'not yet'} — {_describe(outcome)}"
    )
    return lines


def _now() -> dt.datetime:
    from casedesk.lib import clock

    return clock.now()


def _describe(outcome: sla.Outcome) -> str:
    late = outcome.late_by
    if outcome.status == "met":
        return "met"
    if outcome.status in ("breached", "overdue") and late is not None:
        minutes = int(late.total_seconds() // 60)
        label = "breached" if outcome.status == "breached" else "overdue"
        return f"{label} by {minutes // 60} h {minutes % 60} min"
    return {"pending": "pending", "no_target": "no deadline (reasonable efforts)"}.get(
        outcome.status, outcome.status
    )


def explain_case(stdout: TextIO, ref: str) -> None:
    case = Case.objects.select_related("terms_version").filter(tracking_number__iexact=ref).first()
    if case is None and ref.isdigit():
        case = Case.objects.select_related("terms_version").filter(pk=int(ref)).first()
    if case is None:
        raise CommandError(f"No case {ref}; give a tracking number such as CASE-12.")
    stdout.write("\n".join(explain_lines(case)))


def verify_cases(stdout: TextIO, batch: int = 2000) -> int:
    """Recompute every case's SLA fields from its events; report drift. Returns the exit code."""
    checked = drifted = 0
    last_id = 0
    while True:
        cases = list(
            Case.objects.filter(pk__gt=last_id)
            .select_related("terms_version")
            .order_by("pk")[:batch]
        )
        if not cases:
            break
        events: dict[int, list[CaseEvent]] = {c.pk: [] for c in cases}
        for event in CaseEvent.objects.filter(case_id__in=events).order_by("at", "id"):
            events[event.case_id].append(event)
        for case in cases:
            diffs = drift(case, events[case.pk])
            if diffs:
                drifted += 1
                for name, (stored, derived) in diffs.items():
                    stdout.write(
                        f"{case.tracking_number}: {name} stored {stored}, events say {derived}"
                    )
        checked += len(cases)
        last_id = cases[-1].pk
    stdout.write(f"{checked} cases checked, {drifted} with drift")
    return 1 if drifted else 0


__all__ = ["derive", "explain_case", "explain_lines", "verify_cases"]
