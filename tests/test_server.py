"""`casedesk serve` starts a real HTTP server, and `--with-worker` the worker beside it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(home: Path, *extra: str) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    env = {**os.environ, "CASEDESK_HOME": str(home)}
    env.pop("DATABASE_URL", None)
    command = [sys.executable, "-m", "casedesk.cli", "serve", "--bind", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(
        [*command, "--workers", "1", *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return proc, port


def _health(port: int) -> str | None:
    for _ in range(150):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as resp:
                return resp.read().decode()
        except OSError:
            time.sleep(0.2)
    return None


def _workers_of(home: Path) -> list[str]:
    """`casedesk worker` processes started for this data folder (found by their environment)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            env = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"worker" in cmd and f"CASEDESK_HOME={home}".encode() in env:
            found.append(pid)
    return found


def _until(check, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def test_serve_answers_http(tmp_path):
    proc, port = _serve(tmp_path)
    try:
        body = _health(port)
        assert body is not None, "server did not answer within 30 s"
        assert '"ok": true' in body
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_with_worker_runs_the_worker_and_stops_it(tmp_path):
    proc, port = _serve(tmp_path, "--with-worker")
    try:
        assert _health(port) is not None, "server did not answer within 30 s"
        assert _until(lambda: len(_workers_of(tmp_path)) == 1), "no `casedesk worker` started"
    finally:
        proc.terminate()
        proc.wait(timeout=40)
    assert _until(lambda: _workers_of(tmp_path) == []), "the worker outlived the server"
