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


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_it_runs_several_processes_on_one_port(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "CASEDESK_HOME": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    migrate = [sys.executable, "-m", "casedesk.cli", "migrate", "--verbosity=0"]
    subprocess.run(migrate, env=env, check=True, timeout=120)
    cmd = [sys.executable, "-m", "casedesk.cli", "smtpd", "--port", str(port)]
    cmd += ["--domain", "support.example", "--processes", "2"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline() if proc.stdout else ""
        assert first == f"casedesk smtpd on 127.0.0.1:{port} for support.example (Ctrl-C to stop)\n"
        children = _children(proc.pid)
        assert len(children) == 2
        replies = []
        for n in range(8):  # separate connections: the kernel spreads them over both processes
            with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
                client.ehlo()
                client.mail("stranger@example.com")
                client.rcpt("support@support.example")
                raw = f"From: stranger@example.com\r\nMessage-ID: <p{n}@example.com>\r\n\r\nhi\r\n"
                code, text = client.data(raw.encode())
                replies.append(f"{code} {text.decode()}")
        assert replies == ["250 OK: received, held for review"] * 8
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert (proc.returncode, out, err) == (0, "casedesk smtpd stopped\n", "")
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]


def test_it_says_when_the_port_is_taken_with_several_processes(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        # As another `smtpd --processes` holds it: SO_REUSEPORT alone would let both share it.
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "CASEDESK_HOME": str(tmp_path)}
        env.pop("DATABASE_URL", None)
        cmd = [sys.executable, "-m", "casedesk.cli", "smtpd", "--port", str(port)]
        result = subprocess.run(
            [*cmd, "--processes", "2"], env=env, capture_output=True, text=True, timeout=60
        )
    assert result.returncode != 0
    assert f"Cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "choose another --bind or --port" in result.stderr


def test_it_refuses_zero_processes(tmp_path: Path) -> None:
    env = {**os.environ, "CASEDESK_HOME": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    cmd = [sys.executable, "-m", "casedesk.cli", "smtpd", "--processes", "0"]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "--processes 0: give 1 or more." in result.stderr
