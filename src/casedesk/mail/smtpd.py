"""The SMTP intake: aiosmtpd in front, `intake.accept` (sync, in worker threads) behind.

RCPT is refused only for what is certainly wrong (a foreign domain, a malformed address);
everything else is accepted at DATA time and answered after the commit. Any failure to commit
answers 451, so the sending server keeps the message and retries.

Parsing and the ORM are CPU-bound Python, so one process uses one core however many worker
threads it has (the GIL). `serve_processes` runs N processes on one port instead: each has its
own listening socket (SO_REUSEPORT; the kernel spreads connections over them), worker threads
and database connections.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import wait as mp_wait
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


def smtp_class(data_size_limit: int) -> type[SMTP]:
    """aiosmtpd's SMTP with room for long lines.

    RFC 5321 caps lines at 1000 bytes, but real senders break it (one-line base64, HTML from
    some clients) and a 500 loses the message for good, so any line within the size limit is
    accepted. aiosmtpd also answers 500 for well-formed messages over ~256 KB with its default.
    `line_length_limit` sizes the StreamReader made in SMTP.__init__ (aiosmtpd's docs: set it
    before instantiating): hence a subclass, not an attribute set afterwards.
    """
    limit = 2 * data_size_limit + 1001
    return type("CasedeskSMTP", (SMTP,), {"line_length_limit": limit})


def smtp_options(data_size_limit: int) -> dict[str, Any]:
    """SMTP's keyword arguments, the same for the Controller and a shared socket."""
    return {
        "data_size_limit": data_size_limit,
        "ident": "casedesk smtpd",
        # aiosmtpd decodes nothing; the raw bytes are what intake stores.
        "decode_data": False,
        # aiosmtpd's Controller turns SMTPUTF8 on unless told otherwise; so does serve_socket.
        "enable_SMTPUTF8": True,
    }


class _Controller(Controller):
    def __init__(self, handler: Any, *, hostname: str, port: int, data_size_limit: int) -> None:
        self.options = smtp_options(data_size_limit)
        self.smtp_class = smtp_class(data_size_limit)
        super().__init__(handler, hostname=hostname, port=port, **self.options)

    def factory(self) -> SMTP:
        return self.smtp_class(self.handler, **self.options)


def make_controller(
    handler: Handler, *, hostname: str, port: int, data_size_limit: int
) -> Controller:
    """One server on its own port, in a thread (aiosmtpd's Controller)."""
    return _Controller(handler, hostname=hostname, port=port, data_size_limit=data_size_limit)


async def serve_socket(
    handler: Handler,
    sock: socket.socket,
    data_size_limit: int,
    stop: asyncio.Event,
    on_ready: Callable[[], None] = lambda: None,
) -> None:
    """Serve SMTP on an already listening socket until `stop` is set.

    aiosmtpd's Controller binds its own address; a process sharing a port (SO_REUSEPORT) serves
    the socket bound for it before the fork, with asyncio's public server API instead.
    """
    loop = asyncio.get_running_loop()
    make, options = smtp_class(data_size_limit), smtp_options(data_size_limit)
    server = await loop.create_server(lambda: make(handler, **options), sock=sock)
    on_ready()
    await stop.wait()
    server.close()
    # Open sessions end as the Controller's stop ends them (cancelled); messages already in a
    # database thread still commit: `handler.close()` waits for them.
    sessions = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in sessions:
        task.cancel()
    await asyncio.gather(*sessions, return_exceptions=True)


def max_message_bytes() -> int:
    from django.conf import settings

    # Room for one over-limit attachment in base64, so its sender hears what the limit is.
    default = 3 * int(settings.CASEDESK_MAX_ATTACHMENT_BYTES) + 1024 * 1024
    return int(getattr(settings, "CASEDESK_MAIL_MAX_MESSAGE_BYTES", default))


# Several processes on one port ----------------------------------------------------------------


@dataclass(frozen=True)
class ServerSpec:
    bind: str
    port: int
    domains: list[str]
    workers: int  # database threads per process
    data_size_limit: int


def listen(bind: str, port: int, count: int) -> list[socket.socket]:
    """`count` listening sockets on one address, bound before any process starts, so a taken
    port is reported once. SO_REUSEPORT makes the kernel spread new connections over them."""
    family, _, _, _, address = socket.getaddrinfo(
        bind, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # Fails while anything listens here, including another smtpd's SO_REUSEPORT sockets
        # (which would otherwise silently share the port with these).
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(address)
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.create_server(address, family=family, reuse_port=True, backlog=128)
            sock.setblocking(False)
            sockets.append(sock)
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def serve_processes(
    spec: ServerSpec,
    sockets: list[socket.socket],
    stop: threading.Event,
    on_ready: Callable[[], None] = lambda: None,
) -> int:
    """One server process per socket until `stop` is set; returns how many failed.
    `on_ready` runs once every process listens.

    A process that exits unexpectedly stops the others: a supervisor (systemd) restarts the
    whole service. Messages already in a database thread finish before a process exits.
    """
    from django.db import connections

    connections.close_all()  # a forked child must not share the parent's connection
    sys.stdout.flush()  # or the children write the parent's buffered output again
    sys.stderr.flush()
    # fork: the children start from the configured Django at once (the parent holds no
    # threads yet, which makes fork safe).
    ctx = multiprocessing.get_context("fork")
    pipes = [ctx.Pipe(duplex=False) for _ in sockets]
    children = [
        ctx.Process(target=_child, args=(spec, sockets, sock, writer), name=f"smtpd-{n}")
        for n, (sock, (_, writer)) in enumerate(zip(sockets, pipes, strict=True), 1)
    ]
    for child in children:
        child.start()
    for sock in sockets:
        sock.close()  # each child holds its own; a dead child's connections go to the others
    failures = _await_ready(children, [reader for reader, _ in pipes])
    if not failures:
        on_ready()
    while not failures and not stop.wait(0.5):
        failures = sum(1 for c in children if not c.is_alive())
    _stop_children(children)
    failed = [c for c in children if c.exitcode != 0]
    for child in failed:
        log.error("%s exited with code %s", child.name, child.exitcode)
    return max(failures, len(failed))


def _await_ready(children: list[Any], readers: list[Any]) -> int:
    """Block until every child has said it listens, or has died; returns how many failed."""
    failures = 0
    pending = dict(zip(readers, children, strict=True))
    while pending:
        woken = mp_wait([*pending, *(c.sentinel for c in pending.values())])
        for reader, child in list(pending.items()):
            if reader.poll():
                error = reader.recv()
            elif child.sentinel in woken:
                error = f"{child.name} exited before listening"
            else:
                continue
            del pending[reader]
            if error:
                log.error("an smtpd process could not start: %s", error)
                failures += 1
    return failures


def _stop_children(children: list[Any]) -> None:
    for child in children:
        if child.is_alive():
            os.kill(child.pid, signal.SIGTERM)
    for child in children:
        child.join(timeout=90)
        if child.is_alive():  # stuck past the database threads' own timeouts
            child.kill()
            child.join()


def _child(
    spec: ServerSpec, inherited: list[socket.socket], sock: socket.socket, ready: Any
) -> None:
    """A server process: `ready` gets "" once it listens, or why it cannot."""
    for other in inherited:
        if other is not sock:
            other.close()  # the siblings' sockets: holding them would keep a dead sibling's open
    handler = Handler(spec.domains, workers=spec.workers)
    listening = threading.Event()

    def on_ready() -> None:
        listening.set()
        ready.send("")

    try:
        asyncio.run(_serve_child(spec, handler, sock, on_ready))
    except Exception as exc:
        if not listening.is_set():
            ready.send(f"{type(exc).__name__}: {exc}")
        raise SystemExit(1) from exc
    finally:
        handler.close()


async def _serve_child(
    spec: ServerSpec, handler: Handler, sock: socket.socket, on_ready: Callable[[], None]
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await serve_socket(handler, sock, spec.data_size_limit, stop, on_ready)
