"""Followers by mail, end to end: a colleague in Cc of the customer's mail follows the case and
gets the engineer's reply through a real SMTP sink; a stranger in Cc gets nothing; a watching
engineer gets the internal note, the customer never does."""

from __future__ import annotations

from typing import Any

import pytest

from casedesk.cases import services as cs
from casedesk.cases.models import Case
from casedesk.customers import services
from casedesk.desk.services import followers
from casedesk.mail import intake
from tests.mail.conftest import SUPPORT, Sink, make_mail
from tests.world import SETUP_AT

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_colleague_in_cc_gets_the_reply_and_a_stranger_nothing(
    world: Any, pinned_now: Any, sink: Sink
) -> None:
    services.add_contact(
        world.manager, world.acme, name="Ann Able", email="ann@acme.example", at=SETUP_AT
    )
    raw = make_mail(headers={"Cc": "ann@acme.example, bob@globex.example"})
    reply = intake.accept(raw, envelope_from="alice@acme.example", recipients=[SUPPORT])
    case = Case.objects.get(tracking_number=reply.removeprefix("250 OK: "))
    cs.respond(world.agent, case, "Restart the scheduler.")
    assert sink.envelopes[-1] == (SUPPORT, ["alice@acme.example", "ann@acme.example"])
    assert "Restart the scheduler." in sink.messages[-1].get_body(("plain",)).get_content()
    sent_to = {address for _, rcpts in sink.envelopes for address in rcpts}
    assert "bob@globex.example" not in sent_to

    followers.watch(world.manager, case)
    cs.add_note(world.agent, case, "Lock bug again.")
    assert sink.envelopes[-1][1] == ["manager@example.com"]
    assert "Lock bug again." in sink.messages[-1].get_body(("plain",)).get_content()
