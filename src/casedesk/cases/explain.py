"""Why a case's response deadline is what it is, in words: the steps from receipt and the effect
of every severity change. The CLI (`casedesk sla explain`), the case pages and the acknowledgement
mail all render these same lines.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from casedesk.cases.deadlines import SeverityStep, replay
from casedesk.cases.models import Case, CaseEvent
from casedesk.cases.wording import target_words
from casedesk.lib import clock
from casedesk.lib.tz import local_text
from casedesk.terms import sla
from casedesk.terms.document import Level

log = logging.getLogger(__name__)


def fmt(t: dt.datetime | None, tz: str) -> str:
    """A moment as people read it in `tz`; no moment is a deadline of reasonable efforts."""
    if t is None:
        return "none (reasonable efforts)"
    return local_text(t, tz)


def explain_lines(
    case: Case, tz: str | None = None, *, events: Iterable[CaseEvent] | None = None
) -> list[str]:
    """The steps behind a case's deadline and the effect of every severity change, with times
    in `tz` (default: the terms' calendar zone). `events`: all the case's events, when the
    caller holds them (a case just opened); read from the database otherwise."""
    terms = case.terms_version.terms
    tz = tz or terms.calendar.timezone
    history = replay(case, case.events.all() if events is None else events)
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
            f"{fmt(step.event.at, tz)}: Severity {step.old} → {step.new} by "
            f"{step.event.actor_label} ({step.event.reason})"
        )
        if step.after_first_response:
            lines += ["", head, "  after the first response: the response outcome is final."]
            continue
        lines += ["", head, f"  {_rule_text(step, level, tz)} → {fmt(step.after, tz)}"]
    lines += ["", f"Response deadline: {fmt(history.deadline, tz)}"]
    outcome = sla.response_outcome(
        terms, case.level, history.deadline, history.first_response, clock.now()
    )
    responded = fmt(history.first_response, tz) if history.first_response else "not yet"
    lines.append(f"First response: {responded} — {_describe(outcome)}")
    return lines


def _rule_text(step: SeverityStep, level: Level, tz: str) -> str:
    """Why the change moved the deadline (or not), in DESIGN.md §1's words."""
    if step.effect == "raised":
        return (
            f"raised: the earlier of the current deadline ({fmt(step.before, tz)}) and change "
            f"time + {level.target(step.new)}"
        )
    if step.effect == "unchanged":
        return "same severity: the deadline stands"
    judged = ", ".join(
        f"Severity {j.severity} from {fmt(j.at, tz)} + {level.target(j.severity)}"
        for j in step.judgements
    )
    return (
        f"lowered: the case never was above Severity {step.new}, so every earlier judgement "
        f"above it reads as Severity {step.new}; the earliest of {judged}"
    )


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


def receipt_explanation(case: Case, tz: str) -> str:
    """The deadline at receipt for a customer's acknowledgement: the target, then the steps."""
    terms = case.terms_version.terms
    level = terms.level(case.level)
    head = (
        f"Received via {case.get_channel_display()} at Severity {case.severity}; the "
        f"{level.name} target for Severity {case.severity}: "
        f"{target_words(level.target(case.severity))}."
    )
    try:
        explained = sla.explain(terms, case.level, case.severity, case.received_at, tz=tz)
    except Exception:  # an explanation is a courtesy; the acknowledgement must still go out
        log.exception("explaining the deadline of %s failed", case.tracking_number)
        return f"{head}\n(The explanation is on the case page in the portal.)\n"
    steps = [f"  {step.text}" for step in explained.steps if step.kind != "no_deadline"]
    return "\n".join([head, "", "Deadline at receipt:", *steps]) + "\n"
