"""The console case page shows the SLA warnings sent for the case."""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk.cases import services as cs
from casedesk.lib import clock
from casedesk.watch.sweep import sweep
from tests.cases.helpers import pt

pytestmark = pytest.mark.django_db


def test_the_case_page_lists_sent_warnings(client, world, mailoutbox):
    received = pt(2026, 3, 10, 10, 0)
    with clock.pinned(received):
        case = cs.open_case(world.alice, channel="web", subject="Down", requested_severity=2)
        case = cs.confirm_severity_request(world.agent, case)
    client.login(username="agent", password="pw")
    page = client.get(f"/console/cases/{case.tracking_number}/").content.decode()
    assert "No warnings sent yet." in page
    assert sweep(received + dt.timedelta(hours=2)) == 1
    with clock.pinned(received + dt.timedelta(hours=2)):
        page = client.get(f"/console/cases/{case.tracking_number}/").content.decode()
    # In the terms' zone, as every console time: 19:00 UTC is noon in Los Angeles (PDT since 8 Mar).
    assert "10 Mar 2026, 12:00 PDT · 50 % warning to assignee · Sent (agent@example.com" in page


def test_the_case_page_shows_an_alert_mail_still_waiting_after_a_failure(client, world, settings):
    from tests.mail.conftest import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    received = pt(2026, 3, 10, 10, 0)
    with clock.pinned(received):
        case = cs.open_case(world.alice, channel="web", subject="Down", requested_severity=2)
        case = cs.confirm_severity_request(world.agent, case)
    assert sweep(received + dt.timedelta(hours=2)) == 1
    client.login(username="agent", password="pw")
    page = client.get(f"/console/cases/{case.tracking_number}/").content.decode()
    assert (
        "50 % warning to assignee · Waiting to be sent (1 failed attempt: ConnectionRefused" in page
    )
    assert 'see the <a href="/console/mail/outbox/?status=queued">outbox</a>' in page
