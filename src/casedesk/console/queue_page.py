"""The queue page's content (issue 18): scopes ("Mine", "My groups", "Unassigned", "All"), the
order of what needs action next, lane counts for the title, and the fragment the page's refresh
script fetches every 30 s (static/casedesk/queue-refresh.js; the CSP forbids inline scripts)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from casedesk.cases.models import Case
from casedesk.cases.queue_order import needs_action_first
from casedesk.customers.models import DEFAULT_TIME_ZONE, Subscription
from casedesk.lib import clock

from . import queue as q
from .decorators import agent_required
from .forms import QueueFilterForm
from .queue_forms import BulkForm, exclusion_choices

PAGE_SIZE = 50
SCOPES = {"all": "All", "mine": "Mine", "groups": "My groups", "unassigned": "Unassigned"}


def scoped(qs: QuerySet[Case], scope: str, user: Any) -> QuerySet[Case]:
    if scope == "mine":
        return qs.filter(assignee_id=user.pk)
    if scope == "groups":  # joined: a user is in a group once (`group_member_once`)
        return qs.filter(group__memberships__user_id=user.pk)
    if scope == "unassigned":
        return qs.filter(assignee__isnull=True)
    return qs


@dataclass
class Choices:
    levels: list[tuple[str, str]]
    customers: list[tuple[str, str]]
    exclusions: list[tuple[str, str]]


def filter_choices() -> Choices:
    """Levels and customers for the filters, exclusions for the bulk bar: one query, from the
    subscriptions (a customer without one has no cases to filter by)."""
    subs = list(Subscription.objects.select_related("terms_version", "customer").order_by("level"))
    levels: dict[str, str] = {}
    customers: dict[str, str] = {}
    for sub in subs:
        levels.setdefault(sub.level, sub.level_name)
        customers.setdefault(sub.customer.slug, sub.customer.name)
    return Choices(
        levels=sorted(levels.items(), key=lambda item: item[1]),
        customers=sorted(customers.items(), key=lambda item: item[1]),
        exclusions=exclusion_choices(
            {sub.terms_version_id: sub.terms_version for sub in subs}.values()
        ),
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def title_counts(rows: dict[str, list[q.Row]]) -> str:
    """ "(3 overdue, 2 requests)": what waits in the lanes, for the tab's title; "" when none."""
    overdue = sum(1 for r in rows["breaching"] if r.css == "bad")
    soon = len(rows["breaching"]) - overdue
    parts = [
        f"{overdue} overdue" if overdue else "",
        f"{soon} due soon" if soon else "",
        _plural(len(rows["requests"]), "request") if rows["requests"] else "",
        f"{len(rows['quiet'])} quiet" if rows["quiet"] else "",
    ]
    shown = [p for p in parts if p]
    return f"({', '.join(shown)})" if shown else ""


def queue_context(request: HttpRequest) -> dict[str, Any]:
    now = clock.now()
    agents = q.assignable_agents()
    choices = filter_choices()
    form = QueueFilterForm(
        request.GET or None,
        levels=choices.levels,
        customers=choices.customers,
        assignees=[(str(a.pk), a.get_full_name() or a.get_username()) for a in agents],
    )
    filters = form.cleaned_data if form.is_valid() else {}
    scope = request.GET.get("show", "all")
    scope = scope if scope in SCOPES else "all"
    cases = scoped(q.apply_filters(q.open_cases(), filters), scope, request.user)
    page = q.page_of(needs_action_first(cases, now), request.GET.get("page"), PAGE_SIZE)
    mail = q.unverified_mail()
    requests = list(q.severity_requests()[: q.LANE_LIMIT])
    breaching = list(q.breaching_soon(now)[: q.LANE_LIMIT])
    quiet = list(q.quiet_cases(now)[: q.LANE_LIMIT])
    q.with_relations(page.cases, requests, breaching, quiet)
    rows = {
        "rows": [q.row(case, now) for case in page.cases],
        "requests": [q.row(case, now) for case in requests],
        "breaching": [q.row(case, now) for case in breaching],
        "quiet": [q.row(case, now) for case in quiet],
    }
    return {
        **rows,
        "form": form,
        "filtered": any(filters.values()),
        "scope": scope,
        "scopes": SCOPES,
        "page": page,
        "mail_installed": mail is not None,
        "mail_count": mail.count() if mail is not None else 0,
        "mail": list(mail[: q.LANE_LIMIT]) if mail is not None else [],
        "lane_limit": q.LANE_LIMIT,
        "tz": DEFAULT_TIME_ZONE,
        "lane_counts": title_counts(rows),
        "bulk": BulkForm(agents=agents, exclusions=choices.exclusions),
        "here": request.get_full_path().replace(
            reverse("console:queue_body"), reverse("console:queue"), 1
        ),
    }


@agent_required
def queue_body(request: HttpRequest) -> HttpResponse:
    """The queue without its frame: what the refresh script swaps in."""
    return render(request, "console/_queue_body.html", queue_context(request))
