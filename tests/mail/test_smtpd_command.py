"""`casedesk smtpd` as a person runs it: listens, answers, stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import smtplib
import subprocess
import sys
import time
from pathlib import Path

from tests.mail.conftest import free_port


def test_it_listens_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "CASEDESK_HOME": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "casedesk.cli",
            "smtpd",
            "--port",
            str(port),
            "--domain",
            "support.example",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = proc.stdout.readline() if proc.stdout else ""
        assert first == f"casedesk smtpd on 127.0.0.1:{port} for support.example (Ctrl-C to stop)\n"
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.ehlo()
            client.mail("a@example.com")
            assert client.rcpt("x@elsewhere.example")[0] == 550
            assert client.rcpt("support@support.example")[0] == 250
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert (proc.returncode, out, err) == (0, "casedesk smtpd stopped\n", "")


def test_it_says_what_to_do_when_the_port_is_taken(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "CASEDESK_HOME": str(tmp_path)}
        env.pop("DATABASE_URL", None)
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "casedesk.cli", "smtpd", "--port", str(port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode != 0
    assert f"Cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "choose another --bind or --port" in result.stderr
    assert time.monotonic() - started < 60
