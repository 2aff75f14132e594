"""A web or API case is acknowledged by mail like a mail case; every mail has a plain-text part
and a simple HTML part made from it (everything escaped), linking the case on the public URL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from casedesk.cases import services as cs
from casedesk.cases.models import Case
from casedesk.lib import clock
from casedesk.mail import outbox
from tests.mail.conftest import NOW
from tests.mail.test_acknowledgement import BASE, smtp  # noqa: F401 - the real SMTP sink

pytestmark = pytest.mark.django_db(transaction=True)
SUBJECT = "Nodes <b>lost</b> & found"


def _parts(message: Any) -> tuple[str, str]:
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return plain, html


def _deliver() -> None:
    outbox.deliver_due(NOW + dt.timedelta(minutes=1))


def test_a_web_case_is_acknowledged_in_text_and_html(client, world: Any, smtp) -> None:  # noqa: F811
    client.force_login(world.alice.user)
    with clock.pinned(NOW):
        response = client.post(
            "/portal/new/",
            {"subject": SUBJECT, "description": "All masters gone.", "requested_severity": "3"},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(subject=SUBJECT)
    _deliver()
    [ack] = smtp.handler.messages
    assert ack["To"] == "alice@acme.example"
    plain, html = _parts(ack)
    link = f"{BASE}/portal/cases/{case.tracking_number}/"
    assert f"Your request is case {case.tracking_number}: {SUBJECT}" in plain
    assert f"Follow the case in the portal: {link}" in plain
    assert f'<a href="{link}">{link}</a>' in html
    assert "Nodes &lt;b&gt;lost&lt;/b&gt; &amp; found" in html and "<b>" not in html
    assert "📎" not in plain + html


def test_an_api_case_is_acknowledged_too(world: Any, smtp) -> None:  # noqa: F811
    with clock.pinned(NOW):
        case = cs.open_case(world.alice, channel="api", subject="Scheduler stuck")
    _deliver()
    [ack] = smtp.handler.messages
    assert f"[{case.tracking_number}] Scheduler stuck" in ack["Subject"]
    plain, html = _parts(ack)
    assert f"{BASE}/portal/cases/{case.tracking_number}/" in plain
    assert "<p>Hello,</p>" in html


def test_a_reply_mail_links_the_case_in_both_parts(world: Any, smtp) -> None:  # noqa: F811
    with clock.pinned(NOW):
        case = cs.open_case(world.alice, channel="web", subject="Slow")
        cs.respond(world.agent, case, "Please send the logs.\n\nThanks,\nAgent")
    _deliver()
    reply = smtp.handler.messages[-1]
    plain, html = _parts(reply)
    assert "Please send the logs." in plain
    assert "<p>Thanks,<br>\r\nAgent</p>" in html  # SMTP lines end in CRLF
    assert f'href="{BASE}/portal/cases/{case.tracking_number}/"' in html
