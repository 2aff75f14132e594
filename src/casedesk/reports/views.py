"""Report pages for support managers, with CSV exports.

Who may see them: managers, and support engineers too. Reports only read, show no prices, and
engineers already see every case and quota charge in the console; the numbers help them as much
as their managers. Contacts and strangers get the console's 404 (unknown and forbidden look the
same, through the console's own decorator); anonymous visitors are sent to the login page.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from casedesk.cases.models import CaseKind, Environment, Resolution
from casedesk.cases.wording import outcome_words
from casedesk.console.decorators import agent_required
from casedesk.customers.models import Customer
from casedesk.lib import clock
from casedesk.lib.inputs import parse_id
from casedesk.lib.replica import current_read_alias, reads_from_replica

from . import queries as q
from . import visuals
from .charts import monthly_attainment
from .columns import header
from .queries.effort import DEFINITIONS as EFFORT_DEFINITIONS
from .queries.effort import csv_lines, effort_report
from .ranges import clamp_to_data
from .tables import GROUPINGS, severity_table, table

# Reports read the dates people pick; anything outside these is a typo, and far dates overflow
# the date arithmetic (9999-12-31 + 1 day) or ask for thousands of monthly rows.
FIRST_DAY = dt.date(1970, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)
MAX_YEARS = 10


class FilterForm(forms.Form):
    """?from=YYYY-MM-DD&to=YYYY-MM-DD&level=KEY&customer=SLUG; bad values fall back, with a note."""

    def __init__(
        self,
        data: Any,
        *,
        terms: q.TermsIndex,
        customers: list[Customer],
        default: tuple[dt.date, dt.date],
        span: tuple[dt.date, dt.date],
    ) -> None:
        super().__init__(data)
        self.default, self.span = default, span
        self.asked: tuple[dt.date, dt.date] | None = None  # set when the range was clamped
        # Bounds are checked after cutting the range to the data (clean), so 1900 is fine.
        self.fields["from"] = forms.DateField(required=False, label="From")
        self.fields["to"] = forms.DateField(required=False, label="To")
        self.fields["level"] = forms.ChoiceField(
            required=False,
            choices=[("", "All levels")] + [(k, terms.level_name(k)) for k in terms.level_keys()],
        )
        self.fields["customer"] = forms.ChoiceField(
            required=False, choices=[("", "All customers")] + [(c.slug, c.name) for c in customers]
        )
        self.customers = {c.slug: c for c in customers}

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "from" not in data or "to" not in data:
            return data  # a date did not parse: its own error says so
        start, end = data["from"] or self.default[0], data["to"] or self.default[1]
        if start > end:
            raise forms.ValidationError("“From” must be on or before “To”.")
        # Past the data there is nothing to count, only empty months to compute and draw.
        clamped = clamp_to_data(start, end, self.span)
        if clamped != (start, end) and (data["from"] or data["to"]):  # not the default range
            self.asked, (start, end) = (start, end), clamped
        if start < FIRST_DAY or end > LAST_DAY:
            raise forms.ValidationError(
                f"Pick dates from {FIRST_DAY:%Y-%m-%d} to {LAST_DAY:%Y-%m-%d}."
            )
        if (end - start).days > MAX_YEARS * 366:
            raise forms.ValidationError(f"Pick at most {MAX_YEARS} years from “From” to “To”.")
        data["from"], data["to"] = start, end
        return data


def _filters(request: HttpRequest, now: dt.datetime) -> tuple[q.Filters, FilterForm, q.TermsIndex]:
    terms = q.terms_index()
    customers = list(Customer.objects.order_by("name"))
    start, end = q.default_range(now, terms.tz)
    span = q.data_span(now, terms.tz)
    form = FilterForm(
        request.GET, terms=terms, customers=customers, default=(start, end), span=span
    )
    data = form.cleaned_data if form.is_valid() else {}
    start = data.get("from") or start
    end = data.get("to") or end
    customer = form.customers.get(data.get("customer") or "")
    f = q.Filters(start, end, data.get("level") or "", customer.pk if customer else None, terms.tz)
    return f, form, terms


def _query(f: q.Filters, **extra: Any) -> str:
    """The query string for the same filters plus a cell's own (links from every number)."""
    params: dict[str, Any] = {"from": f.start.isoformat(), "to": f.end.isoformat()}
    if f.level:
        params["level"] = f.level
    if f.customer_id:
        extra.setdefault("customer_id", f.customer_id)
    params.update({k: v for k, v in extra.items() if v not in (None, "")})
    return urlencode(params)


@agent_required
@reads_from_replica
def overview(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    f, form, terms = _filters(request, now)
    result = q.attainment(f, now, terms)
    _link_rows(f, result)
    by = request.GET.get("by", "level")
    if by not in GROUPINGS:
        by = "level"
    severity = q.severity_changes(f, result)
    if request.GET.get("format") == "csv" and request.GET.get("by") == "severity-changes":
        return _csv_response(severity_table(severity), f"severity-changes-{f.start}-{f.end}.csv")
    if request.GET.get("format") == "csv":
        return _csv_response(table(result, by), f"attainment-by-{by}-{f.start}-{f.end}.csv")
    context = {
        "f": f,
        "form": form,
        "result": result,
        "severity": severity,
        "heatmap": visuals.heatmap(result, terms),
        "severities": visuals.SEVERITIES,
        "customer_chart": visuals.customer_bars(result.by_customer),
        "severity_chart": visuals.severity_bars(severity),
        "exclusions": q.exclusions(f, terms),
        "chart": monthly_attainment(result.by_month),
        "defs": q.DEFINITIONS,
        "query": _query(f),
        "cases_url": reverse("reports:cases"),
        "now": now,
    }
    return render(request, "reports/overview.html", context)


def _link_rows(f: q.Filters, result: q.Attainment) -> None:
    """Per row and count: the URL of the case list behind that number."""
    base = reverse("reports:cases")
    rows = [*result.by_level, *result.by_customer, *result.by_month, result.total]
    for row in rows:
        extra = dict(row.filters)
        if "customer" in extra:
            extra["customer_id"] = extra.pop("customer")
        row.links = {
            name: f"{base}?{_query(f, outcome=name if name != 'cases' else '', **extra)}"
            for name in ("cases", *q.CASE_OUTCOMES)
        }


class _Echo:
    """csv.writer target that hands each line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def _csv_response(lines: list[list[str]], filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerows(lines)
    return response


def _case_filters(request: HttpRequest, f: q.Filters) -> tuple[q.Filters, dict[str, Any]]:
    """The cell filters the overview's links add: severity, month, outcome, customer_id."""
    get = request.GET
    extra: dict[str, Any] = {}
    if get.get("severity", "") in ("1", "2", "3", "4"):
        extra["severity"] = int(get["severity"])
    month = get.get("month", "")
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}", month):  # ASCII digits: "²" is a digit to isdigit()
        extra["month"] = month
    if get.get("outcome", "") in (*q.CASE_OUTCOMES, "excluded"):
        extra["outcome"] = get["outcome"]
    customer_id = parse_id(get.get("customer_id", ""))
    if customer_id is not None:
        f = q.Filters(f.start, f.end, f.level, customer_id, f.tz)
    return f, extra


@agent_required
@reads_from_replica
def cases(request: HttpRequest) -> HttpResponseBase:
    """The cases behind a number: 100 a page, or every row as a streamed CSV."""
    now = clock.now()
    f, form, terms = _filters(request, now)
    f, extra = _case_filters(request, f)
    qs = q.case_rows_query(f, now, **extra).select_related(None)
    if request.GET.get("format") == "csv":
        # The rows are read while streaming, after this view returns: name the database now.
        return _stream_cases(qs.using(current_read_alias()), now, terms, f)
    page = Paginator(qs.values_list("id", flat=True), 100).get_page(request.GET.get("page"))
    ids = list(page.object_list)
    rows = [_in_words(r, terms) for r in q.case_rows(qs.filter(id__in=ids), now, terms)]
    context = {
        "f": f,
        "form": form,
        "rows": rows,
        "page": page,
        "extra": extra,
        "query": _query(f, **extra),
        "defs": q.DEFINITIONS,
        "level_names": {k: terms.level_name(k) for k in terms.level_keys()},
        "outcome_words": outcome_words(extra["outcome"]) if "outcome" in extra else "",
    }
    return render(request, "reports/cases.html", context)


def _in_words(row: dict[str, Any], terms: q.TermsIndex) -> dict[str, Any]:
    """A case row with the words its page shows beside the keys the CSV keeps."""
    return {
        **row,
        "level_name": terms.level_name(row["level"]),
        "kind_words": CaseKind(row["kind"]).label,
        "environment_words": Environment(row["environment"]).label,
        "resolution_words": Resolution(row["resolution"]).label if row["resolution"] else "",
        "outcome_words": outcome_words(row["outcome"]),
    }


def _stream_cases(
    qs: Any, now: dt.datetime, terms: q.TermsIndex, f: q.Filters
) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(header(q.CASE_COLUMNS))
        for row in q.case_rows(qs, now, terms):
            yield writer.writerow([_csv_value(row[c]) for c in q.CASE_COLUMNS])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cases-{f.start}-{f.end}.csv"'
    return response


def _csv_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


@agent_required
@reads_from_replica
def quota(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    f, form, terms = _filters(request, now)
    on = now.astimezone(f.zone).date()
    years = q.quota_use(on, f.customer_id)
    context = {"form": form, "years": years, "on": on, "defs": q.DEFINITIONS, "f": f}
    return render(request, "reports/quota.html", context)


@agent_required
def effort(request: HttpRequest) -> HttpResponse:
    """Quiet periods per level and severity, and update attainment (reports.queries.effort)."""
    now = clock.now()
    f, form, terms = _filters(request, now)
    rows = effort_report(f, now, terms)
    if request.GET.get("format") == "csv":
        lines = csv_lines(rows)
        return _csv_response([header(lines[0]), *lines[1:]], f"effort-{f.start}-{f.end}.csv")
    context = {"f": f, "form": form, "rows": rows, "defs": EFFORT_DEFINITIONS, "query": _query(f)}
    return render(request, "reports/effort.html", context)


@agent_required
def resolution(request: HttpRequest) -> HttpResponse:
    """Time to resolution (wall and business, the vendor's vs the customer's share) and the
    resolution kinds, per level × severity. Statistics: the terms set no resolution target."""
    now = clock.now()
    f, form, terms = _filters(request, now)
    rows = q.resolution_times(f, terms)
    if request.GET.get("format") == "csv":
        lines = [header(q.RESOLUTION_COLUMNS), *(r.csv() for r in rows)]
        return _csv_response(lines, f"resolution-{f.start}-{f.end}.csv")
    context = {
        "f": f,
        "form": form,
        "rows": rows,
        "kinds": [(k, Resolution(k).label) for k in q.resolution.KINDS],
        "query": _query(f),
    }
    return render(request, "reports/resolution.html", context)
