"""The yearly support statement (issue 17): one customer's subscription year in figures.

Every figure comes from the reports' queries (`reports.queries`) with the reports' filters for
this customer and the year's dates, so each equals the report page's figure for the same
customer and period (tests/reports/test_statement.py compares them). Only what no report shows
is read here: contact changes and emergency patches delivered, by the day they happened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from casedesk.cases.explain import explain_lines
from casedesk.cases.models import Case, CaseKind, PatchRequest
from casedesk.customers.models import ContactEvent, Customer

from .. import queries as q
from .years import StatementYear

MAX_LATE = 50  # late cases explained one by one; a longer list says how many more


@dataclass(frozen=True)
class LateCase:
    """A case whose first response came after the deadline (breached) or has not come (overdue)."""

    row: dict[str, Any]  # the reports' per-case row (q.case_rows)
    subject: str
    explanation: list[str]  # the SLA explanation's lines (cases.explain), in the reader's zone


@dataclass(frozen=True)
class ContactChange:
    at: dt.datetime
    name: str
    email: str
    what: str
    reason: str


@dataclass(frozen=True)
class PatchLine:
    case_ref: str
    summary: str
    requested_at: dt.datetime
    delivered_at: dt.datetime
    note: str


@dataclass(frozen=True)
class Statement:
    customer: Customer
    year: StatementYear
    filters: q.Filters
    tz: str  # the zone times are shown in
    attainment: q.Attainment
    kinds: list[q.KindRow]
    severity: list[q.SeverityRow]
    late: list[LateCase]
    late_total: int
    resolution: list[q.ResolutionRow]
    quota: list[q.QuotaYear]
    exclusions: list[q.ExclusionRow]
    contact_changes: list[ContactChange]
    patches: list[PatchLine]

    @property
    def cases(self) -> int:
        return self.attainment.total.cases

    @property
    def by_severity(self) -> list[tuple[str, q.Row]]:
        """The attainment rows (level x severity) with their label in words."""
        name = self.attainment.terms.level_name
        return [
            (f"{name(r.filters['level'])} · Severity {r.filters['severity']}", r)
            for r in self.attainment.by_level
        ]

    @property
    def kind_columns(self) -> list[tuple[str, str]]:
        """(kind, label) of the kinds with cases this year, in the model's order."""
        used = {k for row in self.kinds for k, n in row.kinds.items() if n}
        return [(k.value, k.label) for k in CaseKind if k.value in used]

    @property
    def kind_table(self) -> list[tuple[int, list[int], int]]:
        """Per severity: the counts in `kind_columns`' order, and the severity's total."""
        columns = [k for k, _ in self.kind_columns]
        return [(r.severity, [r.kinds[k] for k in columns], r.total) for r in self.kinds]

    @property
    def empty(self) -> bool:
        """Nothing happened this year: no case, no quota entry, no contact change, no patch."""
        ledger = any(y.ledger for y in self.quota)
        return not (self.cases or ledger or self.contact_changes or self.patches)


def build_statement(
    customer: Customer, year: StatementYear, now: dt.datetime, tz: str
) -> Statement:
    """The statement for `year`, times shown in `tz` (the contact's, or the terms' zone)."""
    terms = q.terms_index()
    f = q.Filters(year.start, year.end, customer_id=customer.pk, tz=terms.tz)
    result = q.attainment(f, now, terms)
    late, late_total = _late_cases(f, now, terms, tz)
    return Statement(
        customer=customer,
        year=year,
        filters=f,
        tz=tz,
        attainment=result,
        kinds=q.kind_counts(f),
        severity=q.severity_changes(f, result),
        late=late,
        late_total=late_total,
        resolution=q.resolution_times(f, terms),
        quota=[y for y in q.quota_use(year.end, customer.pk) if y.year_start == year.start],
        exclusions=q.exclusions(f, terms),
        contact_changes=_contact_changes(customer, f),
        patches=_patches(customer, f),
    )


def _late_cases(
    f: q.Filters, now: dt.datetime, terms: q.TermsIndex, tz: str
) -> tuple[list[LateCase], int]:
    """Breached and overdue cases, oldest first, each with its deadline's explanation."""
    rows = [
        row
        for outcome in ("breached", "overdue")
        for row in q.case_rows(q.case_rows_query(f, now, outcome=outcome), now, terms)
    ]
    rows.sort(key=lambda r: (r["received_at"], r["tracking_number"]))
    shown = rows[:MAX_LATE]
    cases = Case.objects.select_related("terms_version").in_bulk(
        [r["tracking_number"] for r in shown], field_name="tracking_number"
    )
    out = []
    for row in shown:
        case = cases[row["tracking_number"]]
        # The first two lines repeat the case's name and level; the table says them already.
        lines = [line.strip() for line in explain_lines(case, tz)[2:] if line.strip()]
        out.append(LateCase(row, case.subject, lines))
    return out, len(rows)


_CONTACT_WORDS: dict[str, str] = {
    ContactEvent.Kind.ADDED: "became a designated contact",
    ContactEvent.Kind.DEACTIVATED: "stopped being a designated contact",
    ContactEvent.Kind.REACTIVATED: "became a designated contact again",
}


def _contact_changes(customer: Customer, f: q.Filters) -> list[ContactChange]:
    events = (
        ContactEvent.objects.filter(contact__customer=customer, at__gte=f.since, at__lt=f.until)
        .select_related("contact", "contact__replaces")
        .order_by("at", "id")
    )
    out = []
    for e in events:
        what = _CONTACT_WORDS.get(e.kind, e.get_kind_display())
        replaced = e.contact.replaces
        if e.kind == ContactEvent.Kind.ADDED and replaced is not None:
            what += f", taking over from {replaced.name}"
        out.append(ContactChange(e.at, e.contact.name, e.contact.email, what, e.reason))
    return out


def _patches(customer: Customer, f: q.Filters) -> list[PatchLine]:
    delivered = (
        PatchRequest.objects.filter(
            case__customer=customer,
            state=PatchRequest.State.DELIVERED,
            delivered_at__gte=f.since,
            delivered_at__lt=f.until,
        )
        .select_related("case")
        .order_by("delivered_at", "id")
    )
    return [
        PatchLine(
            p.case.tracking_number, p.summary, p.requested_at, p.delivered_at, p.delivery_note
        )
        for p in delivered
        if p.delivered_at is not None
    ]
