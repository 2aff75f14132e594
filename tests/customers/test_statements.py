"""Issue 17: mailing a customer's yearly statement is a manager's act, to each active contact."""

from __future__ import annotations

import pytest

from casedesk.customers import services as customers
from casedesk.mail.models import OutboundMessage
from tests.world import SETUP_AT

pytestmark = pytest.mark.django_db


def test_only_managers_mail_a_statement(world):
    with pytest.raises(customers.EntitlementError) as refused:
        customers.mail_statement(world.agent, world.acme, subject="S", body="B", at=SETUP_AT)
    assert refused.value.message == (
        "Only support managers can mail a customer's support statement; ask a support manager."
    )
    assert not OutboundMessage.objects.exists()


def test_it_mails_each_active_contact_once_and_no_former_one(world):
    customers.add_contact(
        world.manager, world.acme, name="Ann Archer", email="ann@acme.example", at=SETUP_AT
    )
    customers.deactivate_contact(world.manager, world.alice, at=SETUP_AT, reason="Left")
    sent = customers.mail_statement(
        world.manager, world.acme, subject="Statement", body="Figures", at=SETUP_AT
    )
    assert sent == ["ann@acme.example"]
    mail = OutboundMessage.objects.get(kind="statement")
    assert (mail.to, mail.subject, mail.body) == (["ann@acme.example"], "Statement", "Figures")
