"""The SMTP intake: aiosmtpd in front, `intake.accept` (sync, in worker threads) behind.

RCPT is refused only for what is certainly wrong (a foreign domain, a malformed address);
everything else is accepted at DATA time and answered after the commit. Any failure to commit
answers 451, so the sending server keeps the message and retries.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from django.db import close_old_connections, connections

from casedesk.mail import intake

log = logging.getLogger(__name__)

AcceptFn = Callable[..., str]
REPLY_TEMPORARY = "451 4.3.0 Temporary failure; please try again later"


class Handler:
    def __init__(
        self, domains: Iterable[str], *, accept: AcceptFn = intake.accept, workers: int = 1
    ) -> None:
        self.domains = {d.strip().lower() for d in domains if d.strip()}
        self.accept = accept
        self.workers = workers
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="smtpd-db")

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        local, at, domain = address.strip().rpartition("@")
        if not at or not local or not domain or " " in address or len(address) > 320:
            return "553 5.1.3 Malformed recipient address"
        if domain.lower() not in self.domains:
            return "550 5.1.2 Not a mailbox here; this server only accepts support mail"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(
                self.executor,
                self._accept_sync,
                raw,
                envelope.mail_from or "",
                list(envelope.rcpt_tos),
            )
        except Exception:
            log.exception("accepting a message failed; answered 451")
            return REPLY_TEMPORARY

    def _accept_sync(self, raw: bytes, mail_from: str, rcpt_tos: list[str]) -> str:
        close_old_connections()
        try:
            return self.accept(raw, envelope_from=mail_from.strip("<>"), recipients=rcpt_tos)
        finally:
            close_old_connections()

    def close(self) -> None:
        """Let running messages finish, then close each worker thread's database connection."""
        barrier = threading.Barrier(self.workers)

        def close_here() -> None:
            # Every worker thread runs exactly one of these: the barrier holds each until all
            # have arrived, so none can take a second.
            barrier.wait(timeout=30)
            connections.close_all()

        for future in [self.executor.submit(close_here) for _ in range(self.workers)]:
            future.result(timeout=60)
        self.executor.shutdown(wait=True)


class _Controller(Controller):
    def factory(self) -> Any:
        # RFC 5321 caps lines at 1000 bytes, but real senders break it (one-line base64, HTML
        # from some clients) and a 500 loses the message for good, so any line within the size
        # limit is accepted. aiosmtpd also answers 500 for well-formed messages over ~256 KB
        # with its default. The limit sizes the StreamReader, made in SMTP.__init__: hence
        # a subclass, not an attribute set afterwards.
        limit = 2 * int(self.SMTP_kwargs.get("data_size_limit") or 0) + 1001
        smtp_class = type("CasedeskSMTP", (SMTP,), {"line_length_limit": limit})
        return smtp_class(self.handler, **self.SMTP_kwargs)


def make_controller(
    handler: Handler, *, hostname: str, port: int, data_size_limit: int
) -> Controller:
    return _Controller(
        handler,
        hostname=hostname,
        port=port,
        data_size_limit=data_size_limit,
        ident="casedesk smtpd",
        # aiosmtpd decodes nothing; the raw bytes are what intake stores.
        decode_data=False,
    )


def max_message_bytes() -> int:
    from django.conf import settings

    # Room for one over-limit attachment in base64, so its sender hears what the limit is.
    default = 3 * int(settings.CASEDESK_MAX_ATTACHMENT_BYTES) + 1024 * 1024
    return int(getattr(settings, "CASEDESK_MAIL_MAX_MESSAGE_BYTES", default))
