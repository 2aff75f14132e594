"""What a case's SLA watch expects next: the plan of alerts and the next instant to look again.

A plan is derived from the case alone (its deadline, severity, status, severity request and
terms), so it can be recomputed at any time: `reschedule` runs after every event that can move
the deadline (the case services' `sla_changed` signal, connected in `WatchConfig.ready`), and the
sweep recomputes it again under the case's row lock before sending.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from casedesk.cases.models import Case, EventKind, SeverityRequest
from casedesk.lib import clock
from casedesk.terms.calendar import BusinessCalendar
from casedesk.terms.document import Terms
from casedesk.terms.paging import pages_on_duty
from casedesk.terms.rules import Rule, rule_for

from .models import AlertKind, CaseWatch, SlaAlert


@dataclass(frozen=True, slots=True)
class Planned:
    kind: str  # "page", "warn50", "warn80", "breach"
    at: dt.datetime  # when it is due
    key: dt.datetime  # the deadline it belongs to (a page: the receipt)
    step: str  # "pager" or an escalation step of the terms
    ladder: int  # position among the deadline's warnings and breach; -1 for a page


def plan(
    case: Case, now: dt.datetime, severity_changes: list[dt.datetime] | None = None
) -> list[Planned]:
    """Every alert this case can still need, ladder in order, before any is sent.

    `severity_changes`: when the case's severity changed, if the caller knows (else read).
    """
    if not case.is_open or case.first_response_at is not None:
        return []
    terms = case.terms_version.terms
    items = list(_ladder(case, terms, severity_changes))
    page = _page(case, terms, now)
    return [page, *items] if page else items


def _ladder(
    case: Case, terms: Terms, severity_changes: list[dt.datetime] | None
) -> Iterable[Planned]:
    deadline = case.response_deadline
    if deadline is None:  # reasonable efforts: never warned, never breached
        return
    alerts = terms.alerts
    rule = rule_for(terms, case.level, case.severity)
    start = _clock_start(case, rule, deadline, severity_changes)
    instants = [(AlertKind.warning(f), _fraction(rule, start, deadline, f)) for f in alerts.warn_at]
    instants.append((AlertKind.BREACH, deadline))
    for n, (kind, at) in enumerate(instants):
        # Later alerts reuse the last escalation step.
        step = alerts.escalation[min(n, len(alerts.escalation) - 1)]
        yield Planned(kind, at, deadline, step, n)


def _clock_start(
    case: Case, rule: Rule, deadline: dt.datetime, changes: list[dt.datetime] | None
) -> dt.datetime:
    """When the current deadline's budget started: receipt, or the raise that set it."""
    if changes is None:
        changes = list(
            case.events.filter(kind=EventKind.SEVERITY_CHANGED).values_list("at", flat=True)
        )
    changes = sorted(changes, reverse=True)
    for at in changes:
        if rule.deadline(at) == deadline:
            return at
    return case.received_at


def _fraction(rule: Rule, start: dt.datetime, deadline: dt.datetime, f: float) -> dt.datetime:
    if rule.counting == "business":
        # Terms: business-day targets run in business hours only, so do their fractions.
        cal = rule.calendar
        return cal.add_duration(start, cal.between_duration(start, deadline) * f)
    return start + (deadline - start) * f  # durations in UTC (wall time)


def pages(case: Case, terms: Terms) -> bool:
    """Terms + DESIGN: page for Severity 1 (and pending Severity 1 requests) on 24x7 levels."""
    if pages_on_duty(terms, case.level, case.severity):
        return True
    return case.severity_request == SeverityRequest.PENDING and pages_on_duty(
        terms, case.level, case.requested_severity
    )


def _page(case: Case, terms: Terms, now: dt.datetime) -> Planned | None:
    if not pages(case, terms):
        return None
    at = case.received_at
    if terms.level(case.level).business_hours_only:
        # Business-hours levels are never paged out of hours: the page waits for the opening.
        at = BusinessCalendar.from_terms(terms.calendar).next_open(max(at, now))
    return Planned(AlertKind.PAGE, at, case.received_at, "pager", -1)


def pending(items: list[Planned], done: set[tuple[str, dt.datetime]]) -> list[Planned]:
    """The planned alerts not yet recorded; a recorded warning supersedes the earlier ones."""
    sent_ladder = [p.ladder for p in items if p.ladder >= 0 and (p.kind, p.key) in done]
    after = max(sent_ladder, default=-1)
    return [p for p in items if (p.kind, p.key) not in done and (p.ladder < 0 or p.ladder > after)]


def recorded(case_id: int) -> set[tuple[str, dt.datetime]]:
    return set(SlaAlert.objects.filter(case_id=case_id).values_list("kind", "deadline"))


def reschedule(case: Case, now: dt.datetime | None = None, *, new: bool = False) -> CaseWatch:
    """Store when the case next needs the sweep. Runs inside the caller's transaction.

    `new`: the case was opened in this transaction, so it has no severity change, no recorded
    alert and no watch yet (nothing outside the transaction can see it): none is read.
    """
    now = now or clock.now()
    if new:
        upcoming = pending(plan(case, now, severity_changes=[]), set())
    else:
        upcoming = pending(plan(case, now), recorded(case.pk))
    first = min(upcoming, key=lambda p: p.at, default=None)
    values = {
        "next_alert_at": first.at if first else None,
        "next_alert_kind": first.kind if first else "",
        "deadline": case.response_deadline,
        "updated_at": now,
    }
    if new:
        return CaseWatch.objects.create(case=case, **values)
    watch, _ = CaseWatch.objects.update_or_create(case=case, defaults=values)
    return watch


def on_sla_changed(sender: type[Case], *, case: Case, new: bool, **kwargs: object) -> None:
    """Receiver of `casedesk.cases.signals.sla_changed`: the watch follows the new fields."""
    reschedule(case, new=new)
