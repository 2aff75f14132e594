"""mail 0003 (the outbox): mail the older code never sent is listed as given up, not dropped."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

AT = dt.datetime(2026, 3, 2, 18, 0, tzinfo=dt.UTC)


def _migrate(target: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.fixture
def back_to_latest():  # type: ignore[no-untyped-def]
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # for the tests that follow


def test_unsent_mail_becomes_given_up_with_a_reason_and_sent_mail_stays_sent(
    back_to_latest: None,
) -> None:
    before = _migrate([("mail", "0002_case_fk_digest_decision")])
    old = before.get_model("mail", "OutboundMessage")
    for n, (status, error) in enumerate(
        [("sent", ""), ("sending", ""), ("failed", "SMTPServerDisconnected: gone")]
    ):
        old.objects.create(
            message_id=f"m{n}@x",
            to=["a@x"],
            subject="s",
            status=status,
            error=error,
            created_at=AT,
        )
    after = _migrate([("mail", "0003_outbox")])
    new = after.get_model("mail", "OutboundMessage")
    rows = dict(new.objects.values_list("message_id", "status"))
    assert rows == {"m0@x": "sent", "m1@x": "gave_up", "m2@x": "gave_up"}
    assert new.objects.get(message_id="m1@x").error.startswith(
        "Recorded before casedesk kept the text of outbound mail"
    )
    assert new.objects.get(message_id="m2@x").error.endswith(
        "Last error: SMTPServerDisconnected: gone"
    )
    assert new.objects.get(message_id="m2@x").next_attempt_at is None  # never tried again
