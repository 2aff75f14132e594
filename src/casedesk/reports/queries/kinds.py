"""Cases per severity and kind of case (issue 17's yearly statement; the same range rules)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from casedesk.cases.models import CaseKind

from .scope import Filters, cases_in

KIND_ORDER = [k.value for k in CaseKind]


@dataclass
class KindRow:
    """One severity: cases per kind (every kind present, zero when none)."""

    severity: int
    kinds: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KIND_ORDER, 0))

    @property
    def total(self) -> int:
        return sum(self.kinds.values())


def kind_counts(f: Filters) -> list[KindRow]:
    """Per current severity (as the attainment groups cases), the cases of each kind; one query."""
    rows: dict[int, KindRow] = {}
    grouped = cases_in(f).values("severity", "kind").order_by().annotate(n=Count("id"))
    for v in grouped:
        row = rows.setdefault(v["severity"], KindRow(v["severity"]))
        row.kinds[v["kind"]] = row.kinds.get(v["kind"], 0) + v["n"]
    return [rows[s] for s in sorted(rows)]
