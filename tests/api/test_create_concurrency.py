"""32 API clients opening cases at once against a real server: no case lost or doubled.

`casedesk serve` (gunicorn, 2 workers) runs in its own process on the test database; each
client thread posts on its own keep-alive connection. Every 201 must be one row in the
database with its own tracking number, and nothing else may be stored.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from casedesk.api.tokens import create_token
from casedesk.cases.models import Case

CLIENTS = 32
PER_CLIENT = 4


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env() -> dict[str, str]:
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1", "DEBUG": "false"}
    name = connection.settings_dict["NAME"]
    if connection.vendor == "postgresql":
        url = urlsplit(os.environ["DATABASE_URL"])
        env["DATABASE_URL"] = urlunsplit(url._replace(path=f"/{name}"))
    else:
        env.pop("DATABASE_URL", None)
        env["CASEDESK_DB_NAME"] = str(name)  # an absolute path: the test database file
    return env


def _serve(port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "casedesk.cli", "serve", "--bind", f"127.0.0.1:{port}"]
    return subprocess.Popen(
        [*command, "--workers", "2", "--no-migrate"],
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_listening(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "casedesk serve exited"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("casedesk serve did not listen within 60 s")


def _client(port: int, token: str, n: int, answers: list[tuple[int, str]]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for i in range(n):
        body = json.dumps({"subject": f"Crash report {threading.get_ident()}-{i}"})
        conn.request("POST", "/api/cases", body, headers)
        response = conn.getresponse()
        payload = response.read()
        ref = json.loads(payload).get("ref", "") if response.status == 201 else ""
        answers.append((response.status, ref))  # list.append is atomic under the GIL
    conn.close()


@pytest.mark.django_db(transaction=True)
def test_32_clients_at_once_lose_and_double_no_case(world):
    tokens = [create_token(c.user, "load")[1] for c in (world.alice, world.bob, world.carol)]
    port = _free_port()
    server = _serve(port)
    answers: list[tuple[int, str]] = []
    try:
        _wait_listening(port, server)
        threads = [
            threading.Thread(target=_client, args=(port, tokens[i % 3], PER_CLIENT, answers))
            for i in range(CLIENTS)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    statuses = sorted({status for status, _ in answers})
    assert statuses == [201]
    refs = [ref for _, ref in answers]
    assert len(refs) == CLIENTS * PER_CLIENT
    stored = list(Case.objects.values_list("tracking_number", flat=True))
    assert len(stored) == len(refs)
    assert len(set(stored)) == len(stored)
    assert sorted(stored) == sorted(refs)
