from __future__ import annotations

import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from casedesk.lib.stopping import stop_on_signals
from casedesk.mail import imap


class Command(BaseCommand):
    help = (
        "Fetch unseen support mail from an IMAP folder into cases; a message is marked seen "
        "(or moved) only after it is committed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", help="IMAP server (default CASEDESK_IMAP_HOST)")
        parser.add_argument("--port", type=int, help="IMAP port (default CASEDESK_IMAP_PORT)")
        parser.add_argument("--folder", help="folder to read (default CASEDESK_IMAP_FOLDER)")
        parser.add_argument(
            "--move-to", help="move accepted messages here instead of flagging them \\Seen"
        )
        parser.add_argument(
            "--every",
            type=float,
            default=0,
            help="keep polling, every this many seconds (default: one pass, then exit)",
        )
        parser.add_argument(
            "--limit", type=int, default=0, help="at most this many messages a pass (0: all)"
        )

    def handle(
        self,
        *args: Any,
        host: str | None,
        port: int | None,
        folder: str | None,
        move_to: str | None,
        every: float,
        limit: int,
        **options: Any,
    ) -> None:
        config = imap.ImapConfig.from_settings(host=host, port=port, folder=folder, move_to=move_to)
        stop = stop_on_signals() if every else threading.Event()
        while True:
            close_old_connections()
            self.stdout.write(self._one_pass(config, limit, keep_going=bool(every)))
            if not every or stop.wait(every):
                return

    def _one_pass(self, config: imap.ImapConfig, limit: int, *, keep_going: bool) -> str:
        try:
            result = imap.fetch_once(config, limit=limit)
        except Exception as exc:
            message = (
                f"Cannot read {config.folder} from the IMAP server at {config.host}:{config.port} "
                f"as {config.user!r} ({type(exc).__name__}: {exc}); check CASEDESK_IMAP_HOST, "
                "_PORT, _SSL, _USER and _PASSWORD."
            )
            if not keep_going:
                raise CommandError(message) from exc
            return message  # a poller outlives a server restart
        return f"fetchmail: {result.accepted} accepted, {result.left} left for the next run"
