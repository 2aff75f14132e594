from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from casedesk.cases import services as cs
from casedesk.cases.models import Case, CaseEvent
from casedesk.customers.models import Customer
from tests.world import build_world

pytestmark = pytest.mark.django_db


def test_the_event_log_refuses_update_and_delete_on_every_database(world):
    case = cs.open_case(world.alice, channel="web", subject="x")
    event = case.events.get()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).update(body="rewritten history")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM cases_caseevent WHERE id = %s", [event.pk])
    assert CaseEvent.objects.get(pk=event.pk).body == ""


def test_a_case_with_history_cannot_be_deleted(world):
    case = cs.open_case(world.alice, channel="web", subject="x")
    with pytest.raises(ProtectedError), transaction.atomic():
        case.delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        CaseEvent.objects.filter(case=case).delete()
    assert Case.objects.filter(pk=case.pk).exists()


def test_a_whole_database_flush_still_empties_the_event_log(transactional_db, world):
    # Django's `flush` (the tests' cleanup): TRUNCATE on PostgreSQL, DELETE past the triggers
    # on SQLite; the triggers are back afterwards.
    cs.open_case(world.alice, channel="web", subject="x")
    call_command("flush", interactive=False, verbosity=0)
    assert not CaseEvent.objects.exists()
    build_world()
    case = cs.open_case(
        Customer.objects.get(slug="acme").contacts.get(), channel="web", subject="y"
    )
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        CaseEvent.objects.filter(case=case).update(body="rewritten history")
