from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from casedesk.core import server
from casedesk.core.checks import PRODUCTION


class Command(BaseCommand):
    help = "Run the web server (gunicorn), applying pending migrations first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="address:port to listen on")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument("--no-migrate", action="store_true", help="skip `migrate` at start")
        parser.add_argument(
            "--with-worker",
            action="store_true",
            help="also run `casedesk worker` (SLA warnings, notifications) beside the server",
        )

    def handle(
        self,
        *args: Any,
        bind: str,
        workers: int,
        no_migrate: bool,
        with_worker: bool,
        **options: Any,
    ) -> None:
        # The production settings checks (an unset public address), said at every start.
        self.check(tags=[PRODUCTION], include_deployment_checks=True)
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"casedesk serving on http://{bind}/ (Ctrl-C to stop)")
        if not with_worker:
            server.run(bind, workers=workers)
            return
        with server.worker_beside():
            server.run(bind, workers=workers)
