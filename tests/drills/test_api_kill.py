"""Drill: `kill -9` the API server while cases are being opened; a client that retries with its
Idempotency-Key ends with every intended case opened exactly once.

A real `casedesk serve` (gunicorn, two workers) on the test database; the client is plain
urllib, retrying on a dropped connection, a refused connection and 409 "in progress".
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from http.client import HTTPException
from typing import Any

import pytest
from django.db import connection

from casedesk.api.tokens import create_token
from casedesk.cases.models import Case

from .helpers import casedesk, free_port, healthy, kill_hard, stop, subprocess_env, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

CASES = 10


class RetryingClient:
    """Opens each case with its own key, retrying until the server answers it."""

    def __init__(self, port: int, token: str) -> None:
        self.url = f"http://127.0.0.1:{port}/api/cases"
        self.token = token
        self.answers: dict[str, tuple[int, dict[str, Any], bool]] = {}
        self.retries = 0

    def open_case(self, subject: str, deadline: float) -> None:
        key = str(uuid.uuid4())  # one key per intended case, kept across retries
        body = json.dumps({"subject": subject, "description": "Opened by the crash drill."})
        while time.monotonic() < deadline:
            try:
                self.answers[subject] = self._post(body.encode(), key)
                return
            except (urllib.error.URLError, HTTPException, OSError, _Retry):
                self.retries += 1
                time.sleep(0.2)
        raise AssertionError(f"{subject}: no answer before the deadline")

    def _post(self, body: bytes, key: str) -> tuple[int, dict[str, Any], bool]:
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        }
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                replayed = response.headers.get("Idempotent-Replayed") == "true"
                return response.status, json.loads(response.read()), replayed
        except urllib.error.HTTPError as exc:
            if exc.code in (409, 502, 503):  # in progress, or a server on its way up
                raise _Retry from exc
            raise


class _Retry(Exception):
    pass


def run_clients(
    port: int, token: str, subjects: list[str], timeout: float = 120
) -> tuple[RetryingClient, threading.Thread]:
    client = RetryingClient(port, token)
    deadline = time.monotonic() + timeout

    def work() -> None:
        for subject in subjects:
            client.open_case(subject, deadline)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return client, thread


def test_killing_the_api_server_mid_creation_opens_every_case_exactly_once(world):
    _, token = create_token(world.alice.user, "drill")
    port = free_port()
    env = subprocess_env(CASEDESK_IDEMPOTENCY_LOCK_SECONDS=2)
    serve = ("serve", "--bind", f"127.0.0.1:{port}", "--workers", "2")
    server = casedesk(env, *serve)
    subjects = [f"Crash drill case {i}" for i in range(CASES)]
    try:
        healthy(port)
        client, thread = run_clients(port, token, subjects)
        wait_until(lambda: Case.objects.count() >= 3, 60, "the first cases")
        kill_hard(server)  # mid-load: a request is in flight more often than not
        server = casedesk(env, *serve)
        thread.join(timeout=150)
        assert not thread.is_alive(), "the client did not finish"
    finally:
        stop(server)
        connection.close()

    assert {s: a[0] for s, a in client.answers.items()} == {s: 201 for s in subjects}
    opened = list(Case.objects.values_list("subject", flat=True))
    assert sorted(opened) == sorted(subjects)  # each intended case once: none lost, none doubled
    refs = {a[1]["ref"] for a in client.answers.values()}
    assert refs == set(Case.objects.values_list("tracking_number", flat=True))
