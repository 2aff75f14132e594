"""`casedesk sla explain CASE` and `casedesk sla verify`."""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.core.management.base import CommandError

from casedesk.cases.models import Case, CaseEvent
from casedesk.cases.services.sla_fields import derive, drift, replay
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
    history = replay(case, case.events.all())
    first = history.initial_severity
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
    for step in history.steps:
        head = (
            f"{_fmt(step.event.at, tz)}: Severity {step.old} → {step.new} by "
            f"{step.event.actor_label} ({step.event.reason})"
        )
        if step.after_first_response:
            lines += ["", head, "  after the first response: the response outcome is final."]
            continue
        rule = (
            f"raised: the earlier of the current deadline ({_fmt(step.before, tz)}) and change "
            f"time + {level.target(step.new)}"
            if step.new < step.old
            else f"lowered: receipt + {level.target(step.new)}"
        )
        lines += ["", head, f"  {rule} → {_fmt(step.after, tz)}"]
    lines += ["", f"Response deadline: {_fmt(history.deadline, tz)}"]
    outcome = sla.response_outcome(
        terms, case.level, history.deadline, history.first_response, _now()
    )
    responded = _fmt(history.first_response, tz) if history.first_response else "not yet"
    lines.append(f"First response: {responded} — {_describe(outcome)}")
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
