"""`casedesk serve` starts a real HTTP server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_http(tmp_path):
    port = _free_port()
    env = {**os.environ, "CASEDESK_HOME": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "casedesk.cli",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as resp:
                    body = resp.read().decode()
                    break
            except OSError:
                time.sleep(0.2)
        assert body is not None, "server did not answer within 20 s"
        assert '"ok": true' in body
    finally:
        proc.terminate()
        proc.wait(timeout=10)
