"""What the drills share: real subprocesses on the test database, a real SMTP relay, waiting.

The drills kill processes with SIGKILL while work is in flight and check, from the database and
from what the relay received, that every effect happened exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from email import message_from_bytes
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from aiosmtpd.controller import Controller
from django.db import connection


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def subprocess_env(**extra: Any) -> dict[str, str]:
    """The environment of a casedesk subprocess that works on this test's database."""
    env = dict(os.environ)
    name = connection.settings_dict["NAME"]
    if connection.vendor == "postgresql":
        url = urlsplit(os.environ["DATABASE_URL"])
        env["DATABASE_URL"] = urlunsplit(url._replace(path=f"/{name}"))
    else:
        env.pop("DATABASE_URL", None)
        env["CASEDESK_DB_NAME"] = str(name)  # an absolute path: the test database file
    return {**env, **{k: str(v) for k, v in extra.items()}}


def casedesk(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    """A `casedesk` command in a session of its own, so a kill reaches all its processes."""
    return subprocess.Popen(
        [sys.executable, "-m", "casedesk.cli", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def kill_hard(proc: subprocess.Popen[bytes]) -> None:
    """kill -9 the process and its children (gunicorn's workers, say), as an OOM killer would."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def stop(proc: subprocess.Popen[bytes]) -> str:
    """SIGTERM and wait; returns what it wrote to stderr."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        kill_hard(proc)
        _, err = proc.communicate()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # anything of its session still about (gunicorn's)
    return (err or b"").decode(errors="replace")


def wait_until(check: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"gave up after {timeout:g} s waiting for {what}")


def healthy(port: int, timeout: float = 60) -> None:
    def answers() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return True
        except OSError:
            return False

    wait_until(answers, timeout, f"the server on port {port}")


class Relay:
    """The outbound mail server: aiosmtpd on loopback that a drill stops, starts and slows.

    A message counts as received when the 250 goes out. A sender killed during `delay` drops the
    connection; aiosmtpd then cancels the handler, so that message is not received (as a real
    relay does not take a message whose sender vanished before the end of DATA's reply).
    """

    def __init__(self, delay: float = 0.0) -> None:
        self.port = free_port()
        self.delay = delay
        self.received: list[str] = []
        self.controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.delay:
            await asyncio.sleep(self.delay)
        self.received.append(message_from_bytes(envelope.content)["Message-ID"].strip("<>"))
        return "250 OK"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
