"""Searching cases: the one entry point for the console, the portal and the API.

Engineers match everything a case holds; a customer's contact matches the number, subject,
description, public messages and public files' names of their own organisation's cases, never
internal notes. The page is read back through `cases_visible_to`, the same rule every other
case read goes through.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from casedesk.cases.models import Case
from casedesk.cases.services.access import cases_visible_to, normal_ref
from casedesk.customers.roles import contact_of, is_agent
from casedesk.search.parse import Query, parse

from . import sql

PAGE_SIZE = 20
_MARKED = re.compile(f"{sql.START}([^{sql.START}{sql.STOP}]*){sql.STOP}")


@dataclass(frozen=True)
class CaseFilters:
    statuses: tuple[str, ...] = ()
    level: str = ""
    severity: int | None = None
    kind: str = ""
    environment: str = ""
    customer_id: int | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    received_from: dt.datetime | None = None
    received_before: dt.datetime | None = None

    @property
    def any(self) -> bool:
        return self != CaseFilters()


@dataclass(frozen=True)
class Hit:
    case: Case
    snippet: SafeString  # escaped text, the matched words in <mark>


@dataclass(frozen=True)
class CasePage:
    query: Query
    hits: list[Hit] = field(default_factory=list)
    page: int = 1
    has_next: bool = False
    # The case whose tracking number the whole query is, when the searcher may see it.
    exact: Case | None = None
    # More cases matched than are ranked: the best of the newest `sql.CANDIDATES` are shown.
    capped: bool = False


@dataclass(frozen=True)
class _Scope:
    customer_id: int | None  # None: every customer
    internal: bool


def _scope(user: object) -> _Scope | None:
    """Whose cases and which text, by the same rule as `cases_visible_to`."""
    if not getattr(user, "is_authenticated", False):
        return None
    if is_agent(user):
        return _Scope(None, internal=True)
    contact = contact_of(user)
    if contact is None or not contact.is_active:
        return None
    return _Scope(contact.customer_id, internal=False)


def search_cases(
    user: object,
    text: str,
    filters: CaseFilters | None = None,
    *,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> CasePage:
    """A page of cases matching `text` and `filters`, best match first.

    With no words but some filters: the matching cases newest first. Nothing at all: no hits.
    """
    filters = filters or CaseFilters()
    query, page = parse(text), max(1, page)
    scope = _scope(user)
    if scope is None or (query.empty and not filters.any):
        return CasePage(query, page=page)
    where, offset = _where(scope, filters), (page - 1) * page_size
    capped = False
    if query.empty:
        ids = sql.recent_ids(where, limit=page_size + 1, offset=offset)
    else:
        ranked = sql.ranked_ids(query, where, internal=scope.internal)
        capped = len(ranked) >= sql.CANDIDATES
        ids = ranked[offset : offset + page_size + 1]
    has_next, ids = len(ids) > page_size, ids[:page_size]
    cases = (
        cases_visible_to(user).filter(pk__in=ids).select_related("customer", "contact", "assignee")
    )
    by_id = {case.pk: case for case in cases}
    marked = {} if query.empty else sql.snippets(query, ids, internal=scope.internal)
    hits = [Hit(by_id[pk], _html(marked.get(pk, ""))) for pk in ids if pk in by_id]
    return CasePage(query, hits, page, has_next, _exact(user, query), capped)


def _exact(user: object, query: Query) -> Case | None:
    if query.ref is None:
        return None
    prefix, number = query.ref
    visible = cases_visible_to(user)
    if prefix:
        return visible.filter(tracking_number=normal_ref(f"{prefix}-{number}")).first()
    return visible.filter(number=number).first()


def _where(scope: _Scope, filters: CaseFilters) -> sql.Where:
    where = sql.Where()
    if scope.customer_id is not None:
        where.equal("customer_id", scope.customer_id)
    if filters.statuses:
        where.one_of("status", filters.statuses)
    for column, value in (
        ("level", filters.level),
        ("severity", filters.severity),
        ("kind", filters.kind),
        ("environment", filters.environment),
        ("customer_id", filters.customer_id),
        ("assignee_id", filters.assignee_id),
    ):
        if value:
            where.equal(column, value)
    if filters.unassigned:
        where.clauses.append("c.assignee_id IS NULL")
    if filters.received_from:
        where.compare("received_at", ">=", filters.received_from)
    if filters.received_before:
        where.compare("received_at", "<", filters.received_before)
    return where


def _html(raw: str) -> SafeString:
    """Escape everything the case holds, then turn only our own markers into <mark>."""
    text = _MARKED.sub(r"<mark>\1</mark>", str(escape(raw)))
    return mark_safe(text.replace(sql.START, "").replace(sql.STOP, ""))  # noqa: S308 - escaped above
