"""Drill: the SMTP relay is down while notifications are made; once it is back, every mail is
delivered exactly once (the outbox keeps and retries them; a real `casedesk worker` sends).
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection

from casedesk.cases import services as cs
from casedesk.cases.models import Channel
from casedesk.mail.models import OutboundMessage

from .helpers import Relay, casedesk, stop, subprocess_env, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

REPLIES = 4


def _failed_at_least_once() -> bool:
    mails = OutboundMessage.objects.all()
    return (
        mails.exists()
        and not mails.filter(attempts=0).exists()
        and not mails.filter(error="").exists()
    )


def _all_sent() -> bool:
    return not OutboundMessage.objects.exclude(status="sent").exists()


def test_mail_made_while_the_relay_is_down_is_delivered_once_when_it_is_back(world):
    relay = Relay()  # its port is known, but nothing listens yet: the relay is down
    case = cs.open_case(world.alice, channel=Channel.WEB, subject="Relay drill")
    for i in range(REPLIES):
        cs.respond(world.agent, case, f"Reply {i}: please send the scheduler log.")
    env = subprocess_env(EMAIL_PORT=relay.port, EMAIL_TIMEOUT=2, CASEDESK_MAIL_RETRY_SECONDS=1)
    worker = casedesk(env, "worker", "--interval", "1")
    try:
        wait_until(_failed_at_least_once, 30, "every mail tried and failed while the relay is down")
        assert relay.received == []
        relay.start()
        wait_until(_all_sent, 60, "every mail sent once the relay is back")
    finally:
        err = stop(worker)
        relay.stop()
        connection.close()

    queued = list(OutboundMessage.objects.values_list("message_id", flat=True))
    assert len(queued) >= REPLIES  # the replies' notifications (and any acknowledgement)
    assert Counter(relay.received) == Counter(queued), err  # each exactly once
