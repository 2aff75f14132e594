"""Drill: the database is blocked for a few seconds while mail arrives. casedesk answers 451
(the sender keeps the message), and after the sender's retries every message is stored once.

A real `casedesk smtpd` on the test database. The block: on SQLite another connection holds
the write lock; on PostgreSQL another session holds `LOCK TABLE` on the inbound mail. Writes wait
one second for a lock (CASEDESK_SQLITE_TIMEOUT=1, or PostgreSQL's lock_timeout), then give up.
"""

from __future__ import annotations

import smtplib
import socket
import sqlite3
import threading
import time
from collections import Counter
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.db import connection

from casedesk.cases.models import Case
from casedesk.mail.models import InboundMessage
from tests.mail.conftest import DOMAIN, SUPPORT, make_mail

from .helpers import casedesk, free_port, stop, subprocess_env, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

MESSAGES = 12
BLOCK_SECONDS = 3


class Sender:
    """A sending mail server: keeps each message until casedesk answers 250, retrying on 4xx."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.replies: Counter[int] = Counter()

    def deliver(self, raw: bytes, deadline: float) -> None:
        while time.monotonic() < deadline:
            code = self._try(raw)
            self.replies[code] += 1
            if code == 250:
                return
            time.sleep(0.3)
        raise AssertionError("a message was never accepted")

    def _try(self, raw: bytes) -> int:
        try:
            with smtplib.SMTP("127.0.0.1", self.port, timeout=30) as client:
                client.sendmail("alice@acme.example", [SUPPORT], raw)
            return 250
        except smtplib.SMTPResponseException as exc:
            assert exc.smtp_code < 500, exc  # a permanent refusal would lose the message
            return exc.smtp_code
        except (smtplib.SMTPException, OSError):
            return 0  # no answer: the same as a 4xx for a sender


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def smtpd_env() -> dict[str, str]:
    if connection.vendor == "postgresql":
        url = urlsplit(subprocess_env()["DATABASE_URL"])
        with_timeout = urlunsplit(url._replace(query="options=-c%20lock_timeout%3D1000"))
        return subprocess_env(DATABASE_URL=with_timeout)
    return subprocess_env(CASEDESK_SQLITE_TIMEOUT=1)


def block_database(seconds: float) -> None:
    """Hold the database's lock from another connection for `seconds`."""
    if connection.vendor == "postgresql":
        url = urlsplit(subprocess_env()["DATABASE_URL"])
        with psycopg.connect(urlunsplit(url), autocommit=False) as other:
            other.execute("LOCK TABLE mail_inboundmessage IN ACCESS EXCLUSIVE MODE")
            time.sleep(seconds)
            other.rollback()
        return
    other = sqlite3.connect(str(connection.settings_dict["NAME"]), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # the one writer's lock
        time.sleep(seconds)
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_a_blocked_database_gets_451s_and_then_every_message_is_stored_once(world):
    port = free_port()
    smtpd = casedesk(smtpd_env(), "smtpd", "--port", str(port), "--domain", DOMAIN)
    subjects = [f"Block drill {i}" for i in range(MESSAGES)]
    sender = Sender(port)
    try:
        wait_until(lambda: listening(port), 30, "casedesk smtpd")
        deadline = time.monotonic() + 90

        def send_all() -> None:
            for subject in subjects:
                sender.deliver(make_mail(subject=subject), deadline)
                time.sleep(0.1)

        thread = threading.Thread(target=send_all, daemon=True)
        thread.start()
        wait_until(lambda: InboundMessage.objects.count() >= 2, 30, "the first messages")
        block_database(BLOCK_SECONDS)
        thread.join(timeout=120)
        assert not thread.is_alive()
    finally:
        stop(smtpd)
        connection.close()

    assert sender.replies[451] >= 1, sender.replies  # the outage was answered "try later"
    assert sender.replies[250] == MESSAGES
    assert InboundMessage.objects.count() == MESSAGES  # none lost, none doubled
    opened = Counter(Case.objects.values_list("subject", flat=True))
    assert opened == Counter(subjects)
