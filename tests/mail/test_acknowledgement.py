"""The acknowledgement describes the case as accepted, in words, with a link to the portal."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest

from casedesk.cases import services as cs
from casedesk.cases.models import Case
from casedesk.lib import clock
from casedesk.mail import intake, outbox
from tests.mail.conftest import NOW, SUPPORT, make_mail
from tests.mail.test_outbox import SwitchableSink

pytestmark = pytest.mark.django_db(transaction=True)

BASE = "https://support.example.com/desk"
# The terms document's keys: never shown to a customer.
KEYS = re.compile(
    r"business_hours|reasonable_efforts|\b(signature|premium|standard)\b|\bsev[1-4]\b|\bemail\b"
)


@pytest.fixture
def smtp(mail_settings: Any) -> Iterator[SwitchableSink]:
    sink = SwitchableSink()
    mail_settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    mail_settings.EMAIL_PORT = sink.port
    mail_settings.EMAIL_TIMEOUT = 5
    mail_settings.CASEDESK_BASE_URL = BASE
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


def _text(message: Any) -> str:
    return message.get_body(("plain",)).get_content()


def _open(sender: str, subject: str) -> Case:
    reply = intake.accept(
        make_mail(sender=sender, subject=subject), envelope_from=sender, recipients=[SUPPORT]
    )
    return Case.objects.get(tracking_number=reply.removeprefix("250 OK: "))


def test_it_shows_the_case_as_accepted_even_when_an_engineer_changed_it_before_sending(
    world: Any, smtp: SwitchableSink
) -> None:
    smtp.stop()
    with clock.pinned(NOW):
        case = _open("alice@acme.example", "Cluster will not start")
        # Before the acknowledgement goes out, an engineer raises the case to Severity 2.
        cs.change_severity(world.agent, case, 2, "Production is down.")
    smtp.start()
    later = NOW + dt.timedelta(minutes=5)
    assert outbox.deliver_due(later) == 2  # the acknowledgement, then the change's own mail
    ack, change = (_text(m) for m in smtp.handler.messages)
    assert "Accepted at: Severity 4 — No impact: usage questions" in ack
    assert "First response: no deadline — reasonable efforts." in ack
    assert "Severity 2" not in ack
    assert f"Case {case.tracking_number} changed from Severity 4 to Severity 2." in change
    assert "First response due by: Mon 02 Mar 2026, 14:00 PST" in change  # 18:00 UTC + 4 h
    for text in (ack, change):
        assert f"{BASE}/portal/cases/{case.tracking_number}/" in text
        assert "127.0.0.1:8000" not in text


@pytest.mark.parametrize(
    ("sender", "level", "target"),
    [
        ("alice@acme.example", "Premium (24x7x365)", "No deadline — reasonable efforts"),
        (
            "bob@globex.example",
            "Standard (Business hours, 09:00–17:00 America/Los_Angeles, Monday to Friday "
            "except holidays)",
            "No deadline — reasonable efforts",
        ),
        ("carol@initech.example", "Signature (24x7x365)", "2 hours"),
    ],
)
def test_it_says_everything_in_words_never_in_the_terms_keys(
    world: Any, smtp: SwitchableSink, sender: str, level: str, target: str
) -> None:
    with clock.pinned(NOW):
        case = _open(sender, "Sev 1: scheduler down")
    [ack] = smtp.handler.messages
    text = _text(ack)
    assert f"Support level: {level}" in text
    assert f"target for Severity 4: {target}." in text
    assert "You asked for: Severity 1 — Catastrophic" in text
    assert f"Follow the case in the portal: {BASE}/portal/cases/{case.tracking_number}/" in text
    assert KEYS.search(text) is None, KEYS.search(text)


def test_a_severity_1_request_by_mail_is_acknowledged_with_both_clocks(
    world: Any, smtp: SwitchableSink
) -> None:
    # NOW: Monday 2 Mar 2026, 10:00 PST; mail opens at Severity 4 (reasonable efforts on Premium).
    with clock.pinned(NOW):
        _open("alice@acme.example", "Sev 1: scheduler down")
    [ack] = smtp.handler.messages
    text = _text(ack)
    assert (
        "Severity 4 now: no deadline (reasonable efforts); if an engineer confirms Severity 1: "
        "due 1 hour from confirmation (Mon 02 Mar 2026, 11:00 PST if confirmed now)."
    ) in text
    assert "a Severity 1 request pages the on-duty engineer now" in text
