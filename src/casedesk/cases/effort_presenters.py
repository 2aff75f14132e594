"""Read-only views of a case's effort after the first response: the case page's effort panel
and timeline, the queue's quiet and update columns, and `casedesk sla explain`'s effort lines.
All of it comes from `cases.effort.history` (the events), as the stored fields do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from casedesk.cases.effort import EffortHistory, history
from casedesk.cases.models import Case
from casedesk.cases.presenters import duration, local
from casedesk.terms.effort_clock import Gap


@dataclass(frozen=True)
class Span:
    """One line of the effort timeline: an activity, or the gap after it."""

    at: dt.datetime  # for the order: activities and waiting periods by their start
    kind: str  # "activity", "gap" or "waiting"
    when: str
    text: str
    css: str  # "", "warn" (quiet), "bad" (quiet past twice the interval)


@dataclass(frozen=True)
class EffortPanel:
    applies: bool
    state: str  # one sentence: quiet for how long, or when it would be
    css: str
    clock: str
    interval: str
    update: str  # "" when the terms set no update target here
    update_css: str
    spans: list[Span]


def _since(case: Case, now: dt.datetime) -> str:
    return duration(now - case.last_activity_at) if case.last_activity_at else ""


def quiet_words(case: Case, now: dt.datetime) -> str:
    """ "quiet 3 h 10 min" (wall time since the last activity), for the queue's lane."""
    return f"quiet {_since(case, now)}" if case.last_activity_at else ""


def update_words(case: Case, now: dt.datetime) -> tuple[str, str]:
    """(text, css) for a case's next public update: late, due soon, or due at."""
    due = case.update_due_at
    if due is None:
        return "", ""
    if due < now:
        return f"update late {duration(now - due)}", "bad"
    return f"update due in {duration(due - now)}", "warn" if due - now < dt.timedelta(
        hours=1
    ) else "ok"


def _gap_text(h: EffortHistory, gap: Gap, tz: str) -> tuple[str, str]:
    counted = f"{duration(gap.counted)} on the effort clock"
    if not gap.quiet:
        return f"{counted}{' so far' if gap.ongoing else ''}", ""
    text = f"{counted}: quiet from {local(gap.quiet_at, tz)}"
    if gap.escalate_at is not None:
        return f"{text}, escalated {local(gap.escalate_at, tz)}", "bad"
    return text, "warn"


def spans(h: EffortHistory, tz: str, now: dt.datetime) -> list[Span]:
    out = []
    for event, gap in zip(h.activity, h.gaps(now), strict=True):
        text = f"{event.get_kind_display()} by {event.actor_label}"
        out.append(Span(event.at, "activity", local(event.at, tz), text, ""))
        text, css = _gap_text(h, gap, tz)
        out.append(Span(event.at, "gap", f"until {local(gap.end, tz)}", text, css))
    for start, end in h.waiting:
        text = f"waiting on the customer until {local(end, tz) if end else 'now'}: not counted"
        out.append(Span(start, "waiting", local(start, tz), text, ""))
    return sorted(out, key=lambda s: s.at)  # stable: each activity stays before its gap


def effort_panel(case: Case, tz: str, now: dt.datetime) -> EffortPanel:
    h = history(case, case.events.all())
    interval = str(h.rule.target) if h.rule.interval is not None else "none"
    update, update_css = update_words(case, now)
    if h.first_response is None or h.rule.interval is None:
        state = (
            "The effort clock starts at the first response."
            if h.first_response is None
            else f"Severity {h.severity} has no effort interval: it is never quiet."
        )
        return EffortPanel(
            False, state, "", h.rule.clock_words, interval, update, update_css, spans(h, tz, now)
        )
    if case.quiet_at is None:
        state, css = "Not counting: the case is closed or waiting on the customer.", ""
    elif case.quiet_at <= now:
        state, css = (
            f"Quiet since {local(case.quiet_at, tz)} ({_since(case, now)} since the last activity).",
            "bad",
        )
    else:
        state, css = f"Quiet at {local(case.quiet_at, tz)} without more activity.", "ok"
    return EffortPanel(
        True, state, css, h.rule.clock_words, interval, update, update_css, spans(h, tz, now)
    )


def effort_lines(case: Case, tz: str, now: dt.datetime) -> list[str]:
    """`casedesk sla explain`'s effort section: the clock, every activity and gap, the state."""
    panel = effort_panel(case, tz, now)
    lines = [
        "Effort after the first response:",
        f"  clock: {panel.clock}; quiet after {panel.interval}",
    ]
    lines += [f"  {s.when}: {s.text}" for s in panel.spans]
    lines.append(f"  {panel.state}")
    if panel.update:
        lines.append(f"  {panel.update}")
    return lines
