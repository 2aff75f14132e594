from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from casedesk.cases import services as cs
from casedesk.cases.models import CaseEvent

pytestmark = pytest.mark.django_db


def test_postgresql_refuses_update_and_delete_on_events(world):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    case = cs.open_case(world.alice, channel="web", subject="x")
    event = case.events.get()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).update(body="rewritten history")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).delete()
    assert CaseEvent.objects.get(pk=event.pk).body == ""
