"""Two real `casedesk worker` processes over due reminders and released fixes (issue 16):
every reminder and every GA resolution happens once, and its mail reaches the SMTP sink once.
Runs on SQLite and on PostgreSQL (skip_locked claims), like test_workers.py."""

from __future__ import annotations

import datetime as dt
import socket
import time
from collections import Counter
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from casedesk.cases import services as cs
from casedesk.cases.models import Case, EventKind, WaitingNotice
from casedesk.customers import services as customers
from casedesk.lib import clock
from casedesk.mail.models import OutboundMessage
from casedesk.terms.calendar import BusinessCalendar
from casedesk.terms.waiting import schedule
from tests.watch.test_workers import Sink, _stop, _worker
from tests.world import SETUP_AT, TERM

N = 15  # of each: enough to interleave two workers, fast on both databases
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "terms-waiting.toml"


@pytest.fixture
def smtp():
    handler = Sink()
    with socket.socket() as s:  # a free port (aiosmtpd cannot start on port 0)
        s.bind(("127.0.0.1", 0))
        handler.port = s.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    yield handler
    controller.stop()


def _asked_for_one_reminder(terms, now: dt.datetime) -> dt.datetime:
    """An instant such that the first reminder is due at `now` and the second is not."""
    calendar = BusinessCalendar.from_terms(terms.calendar)
    for hours in range(24, 24 * 14, 6):
        asked = now - dt.timedelta(hours=hours)
        steps = schedule(terms.waiting, calendar, asked)
        if steps[0].at <= now < steps[1].at:
            return asked
    raise AssertionError("no instant found")


def _waiting_cases(world, now: dt.datetime) -> list[int]:
    version = customers.terms_version_for(EXAMPLE.read_text(encoding="utf-8"))
    org = customers.create_customer(world.manager, name="Umbrella", slug="umbrella", at=SETUP_AT)
    customers.create_subscription(
        world.manager,
        org,
        level="premium",
        nodes=10,
        starts_on=TERM[0],
        ends_on=TERM[1],
        project_description="Billing on DC/OS",
        at=SETUP_AT,
        terms_version=version,
    )
    dana = customers.add_contact(
        world.manager, org, name="Dana Doe", email="dana@umbrella.example", at=SETUP_AT
    )
    asked = _asked_for_one_reminder(version.terms, now)
    ids = []
    for n in range(N):
        with clock.pinned(asked - dt.timedelta(hours=1)):
            case = cs.open_case(dana, channel="web", subject=f"Slow {n}")
        cs.ask_customer(world.agent, case, "Logs", at=asked)
        ids.append(case.pk)
    return ids


def _scheduled_cases(world, now: dt.datetime) -> list[int]:
    release = customers.add_release(
        world.manager, product="DC/OS", version="9.9.0", ga_on=now.date() - dt.timedelta(days=2)
    )
    before = now - dt.timedelta(days=5)
    ids = []
    for n in range(N):
        with clock.pinned(before):
            case = cs.open_case(world.alice, channel="web", subject=f"Bug {n}")
            cs.resolve(world.agent, case, "fixed_in_release", release=release)
        ids.append(case.pk)
    return ids


def _sent(kind: str) -> int:
    return OutboundMessage.objects.filter(kind=kind, status="sent").count()


@pytest.mark.django_db(transaction=True)
def test_reminders_and_ga_resolutions_happen_once_with_two_workers(world, smtp):
    now = dt.datetime.now(dt.UTC)
    waiting = _waiting_cases(world, now)
    scheduled = _scheduled_cases(world, now)
    # The ga_on check is a calendar date: a release GA two days ago is out in every zone.
    assert Case.objects.filter(pk__in=scheduled, status="scheduled").count() == N
    workers = [_worker(smtp, lease=60), _worker(smtp, lease=60)]
    try:
        end = time.monotonic() + 90
        while _sent(EventKind.REMINDED) < N or _sent(EventKind.FIX_RELEASED) < N:
            assert time.monotonic() < end, (_sent("reminded"), _sent("fix_released"))
            time.sleep(0.1)
    finally:
        _stop(*workers)
    assert [w.returncode for w in workers] == [0, 0], [w.stderr.read() for w in workers]
    assert WaitingNotice.objects.filter(step="reminder1").count() == N
    for pk in waiting:
        assert Case.objects.get(pk=pk).events.filter(kind=EventKind.REMINDED).count() == 1
    for pk in scheduled:
        case = Case.objects.get(pk=pk)
        assert case.status == "resolved"
        assert case.events.filter(kind=EventKind.FIX_RELEASED).count() == 1
    mails = OutboundMessage.objects.filter(kind__in=[EventKind.REMINDED, EventKind.FIX_RELEASED])
    expected = Counter(mails.values_list("message_id", flat=True))
    assert len(expected) == 2 * N
    received = Counter(m.strip("<>") for m in smtp.message_ids)
    assert Counter({m: received[m] for m in expected}) == expected  # each exactly once
