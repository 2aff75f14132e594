"""Severity changes per level and cases closed as out of scope per exclusion code."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from casedesk.cases.models import CaseEvent, EventKind, Status

from .attainment import Attainment
from .scope import Filters, TermsIndex, cases_in


@dataclass
class SeverityRow:
    level: str
    label: str
    raised: int = 0
    lowered: int = 0
    lowered_before_response: int = 0
    requests_pending: int = 0
    requests_confirmed: int = 0
    requests_declined: int = 0


def severity_changes(f: Filters, result: Attainment) -> list[SeverityRow]:
    """Per level: changes raised/lowered (one query), request outcomes from the attainment."""
    changed = CaseEvent.objects.filter(
        kind=EventKind.SEVERITY_CHANGED,
        case__in=cases_in(f).values("id"),
    ).annotate(
        old=Cast(KT("data__from"), IntegerField()),
        new=Cast(KT("data__to"), IntegerField()),
    )
    per_level = {
        v["case__level"]: v
        for v in changed.values("case__level")
        .order_by()
        .annotate(
            raised=Count("id", filter=Q(new__lt=F("old"))),  # Severity 1 is the highest
            lowered=Count("id", filter=Q(new__gt=F("old"))),
        )
    }
    rows: dict[str, SeverityRow] = {}
    for r in result.by_level:
        level = r.key[1][0]
        row = rows.setdefault(level, SeverityRow(level, result.terms.level_name(level)))
        row.lowered_before_response += r.lowered_before_response
        row.requests_pending += r.requests_pending
        row.requests_confirmed += r.requests_confirmed
        row.requests_declined += r.requests_declined
    for level, v in per_level.items():
        row = rows.setdefault(level, SeverityRow(level, result.terms.level_name(level)))
        row.raised, row.lowered = v["raised"], v["lowered"]
    return sorted(rows.values(), key=lambda r: result.terms.level_order(r.level))


@dataclass(frozen=True)
class ExclusionRow:
    code: str
    text: str
    cases: int


def exclusions(f: Filters, terms: TermsIndex) -> list[ExclusionRow]:
    """Cases closed as out of scope, per exclusion code, with the text the customer saw."""
    counts: dict[str, int] = defaultdict(int)
    texts: dict[str, str] = {}
    for v in (
        cases_in(f)
        .filter(status=Status.EXCLUDED)
        .values("exclusion_code", "terms_version_id")
        .order_by()
        .annotate(n=Count("id"))
    ):
        code = v["exclusion_code"]
        counts[code] += v["n"]
        version = terms.by_id.get(v["terms_version_id"])
        texts.setdefault(code, version.exclusions.get(code, "") if version else "")
    order = list(terms.latest.exclusions) if terms.latest else []
    return [
        ExclusionRow(code, texts[code], counts[code])
        for code in sorted(counts, key=lambda c: (order.index(c) if c in order else 99, c))
    ]
