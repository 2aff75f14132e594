from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from casedesk.lib.stopping import stop_on_signals
from casedesk.mail import smtpd
from casedesk.mail.tokens import mail_domain


class Command(BaseCommand):
    help = "Receive support mail over SMTP; each message becomes a case, a reply or a held item."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=2525, help="TCP port to listen on")
        parser.add_argument(
            "--domain",
            action="append",
            dest="domains",
            help="mail domain to accept (repeatable; default CASEDESK_MAIL_DOMAIN)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=0,
            help="threads doing database work (default 1 on SQLite, 4 on PostgreSQL)",
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=1,
            help="server processes sharing the port, each with --workers threads (one per core)",
        )
        parser.add_argument(
            "--max-message-bytes",
            type=int,
            default=0,
            help="largest message accepted (default: 3x CASEDESK_MAX_ATTACHMENT_BYTES + 1 MB)",
        )

    def handle(
        self,
        *args: Any,
        bind: str,
        port: int,
        domains: list[str] | None,
        workers: int,
        processes: int,
        max_message_bytes: int,
        **options: Any,
    ) -> None:
        domains = domains or [mail_domain()]
        workers = workers or (1 if connection.vendor == "sqlite" else 4)
        if processes < 1:
            raise CommandError(f"--processes {processes}: give 1 or more.")
        limit = max_message_bytes or smtpd.max_message_bytes()
        if processes > 1:
            spec = smtpd.ServerSpec(bind, port, domains, workers, limit)
            self._serve_processes(spec, processes)
            return
        handler = smtpd.Handler(domains, workers=workers)
        controller = smtpd.make_controller(
            handler,
            hostname=bind,
            port=port,
            data_size_limit=limit,
        )
        stop = stop_on_signals()
        try:
            controller.start()
        except Exception as exc:
            raise CommandError(
                f"Cannot listen on {bind}:{port} ({exc}); choose another --bind or --port."
            ) from exc
        self._started(bind, port, domains)
        while not stop.wait(1):
            pass
        # Stop taking connections, then let messages already in the database threads finish.
        controller.stop()
        handler.close()
        self.stdout.write("casedesk smtpd stopped")

    def _serve_processes(self, spec: smtpd.ServerSpec, processes: int) -> None:
        stop = stop_on_signals()
        try:
            sockets = smtpd.listen(spec.bind, spec.port, processes)
        except OSError as exc:
            raise CommandError(
                f"Cannot listen on {spec.bind}:{spec.port} ({exc}); choose another --bind or --port."
            ) from exc
        failed = smtpd.serve_processes(
            spec, sockets, stop, on_ready=lambda: self._started(spec.bind, spec.port, spec.domains)
        )
        if failed:
            raise CommandError(
                f"{failed} of {processes} smtpd processes failed (see the log above); "
                "fix the cause and start casedesk smtpd again."
            )
        self.stdout.write("casedesk smtpd stopped")

    def _started(self, bind: str, port: int, domains: list[str]) -> None:
        self.stdout.write(
            f"casedesk smtpd on {bind}:{port} for {', '.join(domains)} (Ctrl-C to stop)"
        )
        self.stdout.flush()
