"""Issue 16's journey in headless Chromium: a contact opens a problem in production, an
engineer responds and asks for logs, the portal shows what is needed, the contact replies with a
file, the engineer resolves "fixed in release 2.4" (a future release), the release becomes
generally available, and the contact gets the mail (a real SMTP sink) and sees the case
resolved."""

from __future__ import annotations

import datetime as dt
import os
import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from casedesk.cases.models import Case, EventKind
from casedesk.customers import services as customers
from casedesk.lib import clock
from casedesk.watch.sweep import sweep

from .test_journey import _login, _shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class Sink:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    handler = Sink()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    yield handler
    controller.stop()


def test_asked_for_logs_fixed_in_a_future_release_resolved_at_ga(browser, live_server, world, smtp):
    today = world.acme_sub.local_date(clock.now())  # the terms calendar's date
    release = customers.add_release(
        world.manager, product="DC/OS", version="2.4", ga_on=today + dt.timedelta(days=14)
    )
    contact = _login(browser, live_server, "alice")
    contact.goto(f"{live_server.url}/portal/new/")
    contact.select_option("#id_kind", "problem")
    contact.select_option("#id_environment", "production")
    contact.fill("#id_subject", "Scheduler drops tasks")
    contact.fill("#id_description", "Since the upgrade, one task in ten never starts.")
    contact.click("text=Open the case")
    contact.wait_for_selector("#submitted")
    case = Case.objects.get()
    assert (case.kind, case.environment) == ("problem", "production")

    agent = _login(browser, live_server, "agent")
    agent.goto(f"{live_server.url}/console/cases/{case.tracking_number}/")
    agent.fill("#respond textarea[name=body]", "Thanks, we are looking into it.")
    agent.click("text=Send reply to customer")
    agent.wait_for_load_state()
    agent.click("#act-ask summary")  # the side panel's actions are folded menus (issue 18)
    agent.fill("#ask-items", "The scheduler log from the leading master")
    agent.click("#ask button[type=submit]")
    agent.wait_for_selector("#info-request")
    case.refresh_from_db()
    assert case.status == "waiting"

    contact.goto(f"{live_server.url}/portal/cases/{case.tracking_number}/")
    needed = contact.inner_text("#needed")
    assert "We need from you:" in needed
    assert "The scheduler log from the leading master" in needed
    _shot(contact, "portal-we-need")
    contact.fill("#reply textarea[name=body]", "Here is the log.")
    contact.set_input_files(
        "#reply input[type=file]",
        files=[{"name": "scheduler.log", "mimeType": "text/plain", "buffer": b"E0412 lost"}],
    )
    contact.click("text=Send reply")
    contact.wait_for_selector("#timeline >> text=scheduler.log")
    assert contact.locator("#needed").count() == 0
    case.refresh_from_db()
    assert case.status == "triaged"

    agent.goto(f"{live_server.url}/console/cases/{case.tracking_number}/")
    agent.click("#act-resolve summary")
    agent.select_option("#resolve-how", "fixed_in_release")
    agent.select_option("#resolve-release", str(release.pk))
    agent.click("#resolve button[type=submit]")
    agent.wait_for_selector("#resolution")
    assert "Fix scheduled in release DC/OS 2.4" in agent.inner_text("#resolution")
    case.refresh_from_db()
    assert case.status == "scheduled"

    # The catalog is updated: 2.4 ships today. The worker's next pass resolves and mails.
    customers.update_release(
        world.manager, release, ga_on=today, end_of_support_on=None, production=True
    )
    sweep(clock.now())
    sweep(clock.now())  # the next pass sends what the first queued, and resolves nothing again
    case.refresh_from_db()
    assert case.status == "resolved"
    assert case.events.filter(kind=EventKind.FIX_RELEASED).count() == 1
    released = [
        m
        for m in smtp.messages
        if "is resolved: the fix is in" in m.get_body(("plain",)).get_content()
    ]
    assert len(released) == 1
    assert released[0]["To"] == "alice@acme.example"
    assert f"Case {case.tracking_number} is resolved: the fix is in DC/OS 2.4" in (
        released[0].get_body(("plain",)).get_content()
    )

    contact.goto(f"{live_server.url}/portal/cases/{case.tracking_number}/")
    assert "Fixed in release DC/OS 2.4 (generally available)" in contact.inner_text("#resolution")
    _shot(contact, "portal-resolved-in-release")
