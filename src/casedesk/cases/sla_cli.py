"""`casedesk sla explain CASE`, `casedesk sla verify` and `casedesk sla recompute` (the lines
of an explanation come from `casedesk.cases.explain`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.management.base import CommandError

from casedesk.cases.after_fields import after_drift, derive_after
from casedesk.cases.deadlines import drift
from casedesk.cases.effort import EffortFields, effort_drift
from casedesk.cases.effort_presenters import effort_lines
from casedesk.cases.explain import explain_lines, fmt
from casedesk.cases.merge_explain import merge_lines
from casedesk.cases.models import Case, CaseEvent, EventKind
from casedesk.cases.presenters import duration
from casedesk.cases.services.access import normal_ref
from casedesk.cases.services.after_recompute import recompute_after
from casedesk.cases.services.effort_fields import recompute_effort
from casedesk.cases.services.sla_fields import Recomputed, recompute
from casedesk.cases.waiting import waiting_periods
from casedesk.lib import clock
from casedesk.lib.replica import reads_from_replica

if TYPE_CHECKING:
    from _typeshed import SupportsWrite


def _value(value: object, tz: str, name: str = "") -> str:
    if value is None and name in EffortFields.FIELDS:
        return "none"
    if isinstance(value, dt.datetime) or value is None:
        return fmt(value, tz)
    return str(value)


def explain_case(stdout: SupportsWrite[str], ref: str) -> None:
    case = (
        Case.objects.select_related("terms_version").filter(tracking_number=normal_ref(ref)).first()
    )
    if case is None and ref.isdigit():
        case = Case.objects.select_related("terms_version").filter(pk=int(ref)).first()
    if case is None:
        raise CommandError(f"No case {ref}; give a tracking number such as CASE-12.")
    events = list(case.events.order_by("at", "id"))
    now = clock.now()
    tz = case.terms_version.terms.calendar.timezone
    extra = [*waiting_lines(case, events, now), *_resolution_lines(case, events)]
    extra += merge_lines(events, tz)
    effort = ["", *effort_lines(case, tz, now)]
    stdout.write("\n".join([*explain_lines(case), *extra, *effort]))


def _resolution_lines(case: Case, events: list[CaseEvent]) -> list[str]:
    derived = derive_after(case, events)
    if not derived["resolution"]:
        return []
    return [f"Resolution: {derived['resolution']} ({case.get_status_display().lower()})"]


@reads_from_replica
def verify_cases(stdout: SupportsWrite[str], batch: int = 2000) -> int:
    """Recompute every case's SLA fields from its events and check each event against its
    digest; report drift and edited history. Returns the exit code."""
    checked = drifted = edited = 0
    last_id = 0
    while True:
        cases = list(
            Case.objects.filter(pk__gt=last_id)
            .select_related("terms_version", "duplicate_of")
            .order_by("pk")[:batch]
        )
        if not cases:
            break
        events: dict[int, list[CaseEvent]] = {c.pk: [] for c in cases}
        for event in CaseEvent.objects.filter(case_id__in=events).order_by("at", "id"):
            events[event.case_id].append(event)
        for case in cases:
            tz = case.terms_version.terms.calendar.timezone
            history = _history_problems(case, events[case.pk], tz)
            edited += bool(history)
            for line in history:
                stdout.write(line)
            diffs = _drift(case, events[case.pk])
            drifted += bool(diffs)
            for name, (stored, derived) in diffs.items():
                stdout.write(
                    f"{case.tracking_number}: {name} stored {_value(stored, tz, name)}, "
                    f"events say {_value(derived, tz, name)}"
                )
        checked += len(cases)
        last_id = cases[-1].pk
    stdout.write(
        f"{checked} cases checked, {drifted} with drift, {edited} with history edited after "
        "the fact"
    )
    if drifted:
        stdout.write("The events are the truth: `casedesk sla recompute` stores what they say.")
    if edited:
        stdout.write(
            "Edited events were changed in the database outside casedesk (the log is "
            "append-only): restore them from a backup before trusting these cases' figures."
        )
    return 1 if drifted or edited else 0


def _drift(case: Case, events: list[CaseEvent]) -> dict[str, tuple[object, object]]:
    """The response SLA fields, kind, environment and resolution (cases.after_fields) and the
    effort fields (cases.effort) that differ from the events."""
    if not _has_receipt(events):
        return {}
    return {**drift(case, events), **after_drift(case, events), **effort_drift(case, events)}


def _has_receipt(events: list[CaseEvent]) -> bool:
    return any(e.kind == EventKind.RECEIVED for e in events)


def _history_problems(case: Case, events: list[CaseEvent], tz: str) -> list[str]:
    """What the stored history shows was changed after it was recorded, where it can tell:
    an event whose content no longer matches its digest, or a case without its receipt."""
    lines = [
        f"{case.tracking_number}: event {e.pk} ({e.get_kind_display()}, {fmt(e.at, tz)}) "
        "was changed after it was recorded"
        for e in events
        if e.edited_after_the_fact()
    ]
    if not _has_receipt(events):
        lines.append(f"{case.tracking_number}: its 'received' event is missing (deleted?)")
    return lines


def recompute_cases(stdout: SupportsWrite[str], batch: int = 2000) -> int:
    """Store the SLA fields the events say for every case that drifted; returns how many.

    Prints each changed case with how far its deadline moved, and a summary.
    """
    changed = checked = 0
    moves: list[dt.timedelta] = []
    ids = Case.objects.order_by("pk").values_list("pk", flat=True)
    total = ids.count()
    for start in range(0, total, batch):
        for case_id in ids[start : start + batch]:
            result = recompute(case_id)
            after = recompute_after(case_id)
            effort = recompute_effort(case_id)
            checked += 1
            if result is None and not after and effort is None:
                continue
            changed += 1
            if result is not None:
                stdout.write(_recomputed_line(result, moves))
            if after:
                stdout.write(_after_line(case_id, after))
            if effort is not None:
                stdout.write(_effort_line(*effort))
        if total > batch:
            stdout.write(f"... {min(start + batch, total)} of {total} cases")
    stdout.write(f"{checked} cases checked, {changed} recomputed{_moves_summary(moves)}")
    return changed


def _recomputed_line(result: Recomputed, moves: list[dt.timedelta]) -> str:
    case = result.case
    tz = case.terms_version.terms.calendar.timezone
    parts = []
    for name, stored in result.before.items():
        new = getattr(result.after, name)
        if name == "response_deadline":
            move = _move(stored, new)  # type: ignore[arg-type]
            if move is not None:
                moves.append(move)
            parts.append(
                f"deadline {fmt(stored, tz)} → {fmt(new, tz)}"  # type: ignore[arg-type]
                + (f" ({_signed(move)})" if move is not None else "")
            )
        else:
            parts.append(f"{name.replace('_', ' ')} {stored} → {new}")
    return f"{case.tracking_number}: " + "; ".join(parts)


def _effort_line(case: Case, before: dict[str, object]) -> str:
    tz = case.terms_version.terms.calendar.timezone
    parts = [
        f"{name.replace('_', ' ')} {_value(old, tz, name)} → "
        f"{_value(getattr(case, name), tz, name)}"
        for name, old in before.items()
    ]
    return f"{case.tracking_number}: " + "; ".join(parts)


def _after_line(case_id: int, changes: dict[str, tuple[object, object]]) -> str:
    ref = Case.objects.filter(pk=case_id).values_list("tracking_number", flat=True).first()
    parts = [f"{name.replace('_', ' ')} {old} → {new}" for name, (old, new) in changes.items()]
    return f"{ref}: " + "; ".join(parts)


def _move(before: dt.datetime | None, after: dt.datetime | None) -> dt.timedelta | None:
    return after - before if before is not None and after is not None else None


def _signed(delta: dt.timedelta) -> str:
    minutes = round(delta.total_seconds() / 60)
    hours, rest = divmod(abs(minutes), 60)
    return f"{'+' if minutes >= 0 else '−'}{hours} h {rest:02d} min"


def _moves_summary(moves: list[dt.timedelta]) -> str:
    if not moves:
        return ""
    later = sum(1 for m in moves if m > dt.timedelta(0))
    return (
        f"; deadlines moved: {later} later, {len(moves) - later} earlier, "
        f"from {_signed(min(moves))} to {_signed(max(moves))}"
    )


def waiting_lines(case: Case, events: Iterable[CaseEvent], now: dt.datetime) -> list[str]:
    """`sla explain`'s section: each waiting period and the total, in the terms' zone."""
    tz = case.terms_version.terms.calendar.timezone
    periods = waiting_periods(events)
    if not periods:
        return ["Waiting on the customer: never."]
    lines = ["Waiting on the customer (the vendor's clock paused):"]
    total = dt.timedelta(0)
    for p in periods:
        total += p.length(now)
        end = fmt(p.end, tz) if p.end else "still waiting"
        lines.append(f"  {fmt(p.start, tz)} → {end} ({duration(p.length(now))})")
    lines.append(f"  In all: {duration(total)}")
    return lines


__all__ = ["explain_case", "recompute_cases", "verify_cases"]
