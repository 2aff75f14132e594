"""`casedesk sla deadline|explain|verify|recompute`: the response clock from the command line."""

from __future__ import annotations

import datetime as dt
import json
import sys
import types
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.utils import OperationalError, ProgrammingError

from casedesk.cases.sla_cli import explain_case, recompute_cases, verify_cases
from casedesk.customers.services.terms_source import current_terms
from casedesk.terms import Terms, TermsError, load_terms
from casedesk.terms.sla import rule_for

USAGE_ERROR = 2  # argparse's convention for bad arguments


def _one_line_error(parser: CommandParser, message: str) -> NoReturn:
    """Argument errors as one line on stderr and exit code 2 (argparse prints the usage too)."""
    sys.stderr.write(f"{parser.prog}: {message} (see `{parser.prog} --help`)\n")
    sys.exit(USAGE_ERROR)


class _OneLineParser(CommandParser):
    def error(self, message: str) -> NoReturn:
        _one_line_error(self, message)


def _usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE_ERROR)


class Command(BaseCommand):
    help = "Response deadlines: compute one, explain a case's, verify every case's."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.error = types.MethodType(_one_line_error, parser)  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=_OneLineParser)
        deadline = sub.add_parser(
            "deadline", help="Print one response deadline as JSON: {deadline, clock}."
        )
        deadline.add_argument("--level", help="the level's key in the terms, e.g. premium")
        deadline.add_argument("--severity", help="1 (highest) to 4")
        deadline.add_argument(
            "--received",
            help="when the request was received, ISO 8601 with an offset, e.g. "
            "2026-11-27T16:30-08:00 or 2026-11-28T00:30Z",
        )
        deadline.add_argument("--terms", help="terms file (default: the configured terms)")
        explain = sub.add_parser("explain", help="The steps behind a case's deadline.")
        explain.add_argument("case", help="tracking number, e.g. CASE-1042")
        sub.add_parser("verify", help="Recompute every case's SLA fields and report drift.")
        sub.add_parser(
            "recompute",
            help="Store the SLA fields the events say for every case `sla verify` reports "
            "(after a rule change); prints each change.",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "deadline":
            self._deadline(options["level"], options["severity"], options["received"], options)
            return
        try:
            self._cases(action, options)
        except (OperationalError, ProgrammingError) as exc:
            raise CommandError(
                f"the database is not ready ({exc}); run `casedesk migrate` first"
            ) from None

    def _cases(self, action: str, options: Any) -> None:
        if action == "explain":
            explain_case(self.stdout, options["case"])
        elif action == "recompute":
            recompute_cases(self.stdout)
        else:
            code = verify_cases(self.stdout)
            if code:
                sys.exit(code)

    def _deadline(
        self, level: str | None, severity: str | None, received: str | None, options: Any
    ) -> None:
        missing = [
            f"--{name}"
            for name, v in (("level", level), ("severity", severity), ("received", received))
            if v is None
        ]
        if missing:
            raise _usage_error(
                f"{', '.join(missing)} is required (see `casedesk sla deadline --help`)"
            )
        assert level is not None and severity is not None and received is not None
        terms = _terms(options.get("terms"))
        number = _severity(severity)
        when = _received(received)
        try:
            rule = rule_for(terms, level, number)
            due = rule.deadline(when)
        except TermsError as exc:
            raise _usage_error(exc.describe()) from None
        text = None if due is None else due.isoformat().replace("+00:00", "Z")
        self.stdout.write(json.dumps({"deadline": text, "clock": rule.clock}))


def _terms(path: str | None) -> Terms:
    try:
        if path:
            return load_terms(path)
        return current_terms()
    except TermsError as exc:
        raise _usage_error(" / ".join(exc.describe().splitlines())) from None


def _severity(text: str) -> int:
    if text.strip() not in ("1", "2", "3", "4"):
        raise _usage_error(f"--severity must be 1, 2, 3 or 4 (1 is the highest), not {text!r}")
    return int(text)


def _received(text: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise _usage_error(
            f"--received {text!r} is not an ISO 8601 time; use e.g. 2026-11-27T16:30-08:00"
        ) from None
    if when.tzinfo is None:
        raise _usage_error(
            f"--received {text!r} has no UTC offset; add one, e.g. {text}-08:00 or {text}Z"
        )
    return when
