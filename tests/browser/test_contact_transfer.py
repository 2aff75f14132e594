"""Issue 17 in headless Chromium: a contact asks to transfer their role in the portal, a support
manager approves it in the console, the colleague gets the sign-in link by mail and signs in."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest

from casedesk.customers.models import SupportContact
from casedesk.lib import clock
from casedesk.mail import outbox

from .test_journey import _login, _shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
PASSWORD = "a-long-new-passphrase"  # noqa: S105


def _sign_in_link(mailoutbox, to: str) -> str:
    # Handed to the mail backend as the worker would.
    outbox.deliver_due(clock.now() + dt.timedelta(minutes=1))
    mail = next(m for m in mailoutbox if to in m.to and "choose a password" in m.subject)
    return re.search(r"https?://\S+/welcome/\S+", mail.body).group(0)


def test_portal_request_console_approval_mail_and_first_sign_in(
    browser, live_server, world, mailoutbox
):
    bob = _login(browser, live_server, "bob")
    bob.goto(f"{live_server.url}/portal/subscription/")
    bob.check("input[name=kind][value=transfer]")
    bob.fill("#id_name", "Dana Diaz")
    bob.fill("#id_email", "dana@globex.example")
    bob.click("text=Send request")
    bob.wait_for_selector("text=Request sent.")
    assert "Dana Diaz <dana@globex.example>\tpending" in bob.inner_text("table.contact-requests")
    _shot(bob, "portal-contact-transfer-requested")

    manager = _login(browser, live_server, "manager")
    manager.goto(f"{live_server.url}/console/contact-requests/")
    manager.click("text=Globex")
    manager.click("#contact-requests + table button:has-text('Approve')")
    manager.wait_for_selector("text=Approved: Dana Diaz is a contact")
    _shot(manager, "console-contact-transfer-approved")
    assert not SupportContact.objects.get(pk=world.bob.pk).is_active

    link = _sign_in_link(mailoutbox, "dana@globex.example")
    dana = browser.new_context().new_page()
    dana.goto(live_server.url + "/" + link.split("/", 3)[3])
    dana.fill("#id_new_password1", PASSWORD)
    dana.fill("#id_new_password2", PASSWORD)
    dana.click("button[type=submit]")
    dana.goto(f"{live_server.url}/login/")
    dana.fill("#id_username", "dana@globex.example")
    dana.fill("#id_password", PASSWORD)
    dana.click("button[type=submit]")
    dana.goto(f"{live_server.url}/portal/subscription/")
    contacts = dana.inner_text("#contacts")
    assert "Dana Diaz\tdana@globex.example\tactive" in contacts
    assert "Bob Brown" in contacts and "deactivated" in contacts
    _shot(dana, "portal-new-contact-first-sign-in")
