"""`casedesk report sla --from DATE --to DATE [--level L] [--by G] [--format table|csv]`."""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.utils import OperationalError, ProgrammingError

from casedesk.lib import clock
from casedesk.lib.replica import reads_from_replica
from casedesk.reports import queries as q
from casedesk.reports.ranges import clamp_to_data
from casedesk.reports.tables import GROUPINGS, render_text, table


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f'"{value}" is not a date; use YYYY-MM-DD, e.g. 2026-11-01') from None


class Command(BaseCommand):
    help = "Reports from the command line: `report sla` prints the SLA attainment table."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="report", required=True)
        sla = sub.add_parser(
            "sla", help="Response-target attainment for cases received in a range."
        )
        sla.add_argument(
            "--from",
            dest="start",
            help="first day of receipt, YYYY-MM-DD (default: 89 days before --to)",
        )
        sla.add_argument(
            "--to", dest="end", help="last day of receipt, YYYY-MM-DD (default: today)"
        )
        sla.add_argument("--level", default="", help="only this level's key, e.g. premium")
        sla.add_argument(
            "--by",
            choices=list(GROUPINGS),
            default="level",
            help="group rows by level and severity (default), customer or month",
        )
        sla.add_argument(
            "--format",
            choices=["table", "csv"],
            default="table",
            help="a table for people (default) or CSV",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._sla(options)
        except (OperationalError, ProgrammingError) as exc:
            raise CommandError(
                f"the database is not ready ({exc}); run `casedesk migrate` first"
            ) from None

    @reads_from_replica
    def _sla(self, options: dict[str, Any]) -> None:
        now = clock.now()
        terms = q.terms_index()
        start, end = q.default_range(now, terms.tz)
        end = _date(options["end"]) if options["end"] else end
        start = _date(options["start"]) if options["start"] else end - dt.timedelta(days=89)
        if start > end:
            raise CommandError(f"--from {start} is after --to {end}; swap them")
        # As on the reports page: past the cases there is nothing to count, only empty months.
        asked = (start, end)
        start, end = clamp_to_data(start, end, q.data_span(now, terms.tz))
        if (start, end) != asked:
            self.stderr.write(
                f"Showing {start} to {end}, the span of the data; you asked for "
                f"{asked[0]} to {asked[1]}."
            )
        level = options["level"]
        if level and level not in terms.level_keys():
            known = ", ".join(terms.level_keys())
            raise CommandError(f'"{level}" is not a support level; use one of: {known}')
        result = q.attainment(q.Filters(start, end, level, None, terms.tz), now, terms)
        lines = table(result, options["by"])
        if options["format"] == "csv":
            csv.writer(self.stdout, lineterminator="\n").writerows(lines)
            return
        self.stdout.write(
            f"SLA attainment, cases received {start} to {end} ({terms.tz})"
            f"{', level ' + level if level else ''}; times in minutes\n\n",
            ending="",
        )
        self.stdout.write(render_text(lines), ending="")
        self.stdout.write(f"\n{q.DEFINITIONS['attainment']}\n", ending="")
