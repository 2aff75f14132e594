"""Read-only queries behind the agents' queue: open cases, lanes, filter choices."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet, prefetch_related_objects

from casedesk.cases.effort_presenters import quiet_words, update_words
from casedesk.cases.models import OPEN_STATUSES, Case, SeverityRequest, is_open_sql
from casedesk.cases.presenters import duration, local
from casedesk.customers.roles import AGENTS, MANAGERS
from casedesk.lib.paging import Count, capped_count
from casedesk.terms import sla

from .after_context import environment_flag
from .forms import UNASSIGNED

BREACHING_WINDOW = dt.timedelta(hours=1)
LANE_LIMIT = 20


def open_cases() -> QuerySet[Case]:
    """Open cases, earliest response deadline first; no deadline (reasonable efforts) last."""
    # The open-status condition written out: the queue index's own (see `is_open_sql`).
    return _in_queue_order(Case.objects.filter(is_open_sql()))


def _in_queue_order(qs: QuerySet[Case]) -> QuerySet[Case]:
    # The assignee by LEFT JOIN, which keeps cases first in the join order. Customer and terms
    # are not joined: with inner joins SQLite's planner starts from those small tables and reads
    # every case of every customer (~0.5 s at 100,000 cases) instead of the page's rows from the
    # queue index. `with_relations` loads them for all the page's and lanes' rows at once.
    return qs.select_related("assignee").order_by(
        F("response_deadline").asc(nulls_last=True), "received_at", "id"
    )


def with_relations(*lists: list[Case]) -> None:
    """Each case's customer and terms version: one query each for every list together."""
    prefetch_related_objects([c for cases in lists for c in cases], "customer", "terms_version")


@dataclass
class Page:
    """One page of the queue without counting every open case: the rows are read from the
    queue's index (`case_open_queue`) with one more to tell whether a next page exists, and the
    count stops at 1,000 ("1,000+"), which is all a person reads of it."""

    number: int
    cases: list[Case]
    has_next: bool
    count: Count
    size: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def num_pages(self) -> int | None:
        """None when the count is capped (the last page is not known without counting)."""
        return None if self.count.capped else max(1, -(-self.count.value // self.size))


MAX_PAGE = 100_000


def page_of(qs: QuerySet[Case], number: str | None, size: int) -> Page:
    """Page `number` (1 when missing or not a number; the last when past it, as Django's
    Paginator.get_page does, where the count tells where that is)."""
    n = int(number) if number and number.isascii() and number.isdigit() and len(number) < 9 else 1
    n = min(max(n, 1), MAX_PAGE)
    count = capped_count(qs)
    if not count.capped:
        n = min(n, max(1, -(-count.value // size)))
    start = (n - 1) * size
    rows = list(qs[start : start + size + 1])
    return Page(n, rows[:size], len(rows) > size, count, size)


def apply_filters(qs: QuerySet[Case], filters: dict[str, Any]) -> QuerySet[Case]:
    if filters.get("level"):
        qs = qs.filter(level=filters["level"])
    if filters.get("severity"):
        qs = qs.filter(severity=filters["severity"])
    if filters.get("customer"):
        qs = qs.filter(customer__slug=filters["customer"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("environment"):
        qs = qs.filter(environment=filters["environment"])
    assignee = filters.get("assignee")
    if assignee == UNASSIGNED:
        qs = qs.filter(assignee__isnull=True)
    elif assignee:
        qs = qs.filter(assignee_id=int(assignee))
    return qs


def severity_requests() -> QuerySet[Case]:
    """From the few cases with a request waiting (their own index), not the open ones."""
    pending = Case.objects.filter(severity_request=SeverityRequest.PENDING)
    return _in_queue_order(pending.filter(status__in=OPEN_STATUSES))


def breaching_soon(now: dt.datetime) -> QuerySet[Case]:
    """No first response yet and the deadline within the hour, or already past."""
    return open_cases().filter(
        first_response_at__isnull=True, response_deadline__lte=now + BREACHING_WINDOW
    )


def unverified_mail() -> QuerySet[Any] | None:
    """Held mail from senders that are not active contacts; None when mail is not installed."""
    try:
        from casedesk.mail.models import InboundMessage, InboundStatus
    except ImportError:  # the mail app is optional for the console
        return None
    held = InboundMessage.objects.filter(status=InboundStatus.HELD_UNVERIFIED).defer("raw")
    return held.order_by("received_at", "id")


def assignable_agents() -> list[Any]:
    """Active engineers and managers in one query.

    `cases.services.agents()` asks `is_agent` per user (two queries each, contacts included);
    this is the same rule as a filter. `assign()` still checks the chosen user with `is_agent`.
    """
    users = get_user_model().objects.filter(is_active=True)
    staff = users.filter(Q(is_superuser=True) | Q(groups__name__in=[AGENTS, MANAGERS]))
    return list(staff.distinct().order_by("username"))


@dataclass
class Row:
    """One queue line: the case and its clock, coloured by time left."""

    case: Case
    level: str
    deadline: str
    deadline_iso: str
    left: str
    css: str  # ok, warn, bad, or "" for no deadline
    flag: str | None = None  # Severity 1/2 outside production, in the definition's words
    update: tuple[str, str] = ("", "")  # the next public update under update targets: text, css
    quiet: str = ""  # how long a quiet case has gone without engineer activity
    targets: str = ""  # a pending request: the current and the requested severity's targets


def request_targets(case: Case) -> str:
    """Issue 17: what confirming a pending request would change, next to what holds now."""
    requested = case.requested_severity
    terms = case.terms_version.terms
    if case.severity_request != SeverityRequest.PENDING or requested is None:
        return ""
    if case.level not in terms.levels:
        return ""
    level = terms.levels[case.level]
    return (
        f"Sev {case.severity}: {level.target(case.severity)} now · "
        f"Sev {requested}: {level.target(requested)} from confirmation"
    )


def row(case: Case, now: dt.datetime) -> Row:
    terms = case.terms_version.terms
    tz = terms.calendar.timezone
    level = terms.levels[case.level].name if case.level in terms.levels else case.level
    flag = environment_flag(case)
    targets = request_targets(case)
    if case.response_deadline is None:
        return Row(
            case,
            level,
            "reasonable efforts",
            "",
            "no deadline",
            "",
            flag,
            *_effort(case, now),
            targets,
        )
    left = case.response_deadline - now  # durations in UTC
    if case.first_response_at is not None:
        css, text = "ok", "responded"
    elif sla.unanswered_status(case.response_deadline, now) == "overdue":
        css, text = "bad", f"overdue {duration(left)}"
    elif left < BREACHING_WINDOW:
        css, text = "warn", f"{duration(left)} left"
    else:
        css, text = "ok", f"{duration(left)} left"
    iso = case.response_deadline.isoformat() if case.first_response_at is None else ""
    return Row(
        case,
        level,
        local(case.response_deadline, tz),
        iso,
        text,
        css,
        flag,
        *_effort(case, now),
        targets,
    )


def _effort(case: Case, now: dt.datetime) -> tuple[tuple[str, str], str]:
    quiet = quiet_words(case, now) if case.quiet_at is not None and case.quiet_at <= now else ""
    return update_words(case, now), quiet


def quiet_cases(now: dt.datetime) -> QuerySet[Case]:
    """Answered, open, and without engineer activity past the effort interval: longest first."""
    return open_cases().filter(quiet_at__lte=now).order_by("quiet_at", "id")
