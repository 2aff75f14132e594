"""What the statement pages (portal and console) and the statement mail show for one request."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse

from casedesk.customers.models import Customer
from casedesk.lib.links import absolute

from .. import queries as q
from .figures import Statement, build_statement
from .years import pick_year, statement_years


def statement_context(customer: Customer, key: str, now: dt.datetime, tz: str) -> dict[str, Any]:
    """The chosen subscription year's statement (`key` = its first day, newest when empty or
    unknown, with a note saying so) and the years to choose from; times shown in `tz`."""
    years = statement_years(customer, now)
    year = pick_year(years, key)
    note = ""
    if year is None and years:
        year = years[0]
        note = (
            f"There is no subscription year starting on “{key[:20]}”; here is the latest one. "
            "Pick a year from the list."
        )
    return {
        "customer": customer,
        "years": years,
        "st": build_statement(customer, year, now, tz) if year else None,
        "year_note": note,
        "defs": q.DEFINITIONS,
    }


def statement_mail(st: Statement) -> tuple[str, str]:
    """(subject, plain-text body) of the statement mailed to the customer's contacts: the
    figures, without times (each contact reads them in their own zone in the portal)."""
    link = absolute(reverse("portal:statement")) + f"?year={st.year.key}"
    so_far = " (so far)" if st.year.so_far else ""
    subject = (
        f"Support statement for {st.customer.name}: {st.year.start:%d %b %Y} to "
        f"{st.year.end:%d %b %Y}{so_far}"
    )
    body = render_to_string(
        "reports/statement_mail.txt", {"st": st, "link": link, "defs": q.DEFINITIONS}
    )
    return subject, body
