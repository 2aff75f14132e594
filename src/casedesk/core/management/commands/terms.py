from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casedesk.customers.services.terms_source import current_terms
from casedesk.terms import TermsError, load_terms
from casedesk.terms.show import render


class Command(BaseCommand):
    help = "Validate or show a support terms file."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        check = sub.add_parser("check", help="Validate a terms file and name every wrong key.")
        check.add_argument("file", help="path to a terms TOML file")
        show = sub.add_parser("show", help="Print levels, targets, contact limits and quotas.")
        show.add_argument("file", nargs="?", help="terms file (default: the configured terms)")

    def handle(self, *args: Any, action: str, file: str | None = None, **options: Any) -> None:
        try:
            terms = load_terms(file) if file else current_terms()
        except TermsError as exc:
            raise CommandError(
                f"{exc.describe()}\n{len(exc.problems)} problem(s); fix the key(s) above and run "
                "`casedesk terms check` again."
            ) from None
        if action == "check":
            self.stdout.write(
                f"{file}: valid terms {terms.version} ({terms.vendor}): "
                f"{len(terms.levels)} levels ({', '.join(terms.levels)}), "
                f"{len(terms.exclusions)} exclusion codes"
            )
        else:
            self.stdout.write(render(terms))
