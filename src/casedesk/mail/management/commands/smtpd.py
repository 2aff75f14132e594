from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

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
        max_message_bytes: int,
        **options: Any,
    ) -> None:
        domains = domains or [mail_domain()]
        workers = workers or (1 if connection.vendor == "sqlite" else 4)
        handler = smtpd.Handler(domains, workers=workers)
        controller = smtpd.make_controller(
            handler,
            hostname=bind,
            port=port,
            data_size_limit=max_message_bytes or smtpd.max_message_bytes(),
        )
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        try:
            controller.start()
        except Exception as exc:
            raise CommandError(
                f"Cannot listen on {bind}:{port} ({exc}); choose another --bind or --port."
            ) from exc
        self.stdout.write(
            f"casedesk smtpd on {bind}:{port} for {', '.join(domains)} (Ctrl-C to stop)"
        )
        self.stdout.flush()
        while not stop.wait(1):
            pass
        # Stop taking connections, then let messages already in the database threads finish.
        controller.stop()
        handler.close()
        self.stdout.write("casedesk smtpd stopped")
