"""50 cases opened at once from 50 threads: 50 distinct tracking numbers, no errors."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from casedesk.cases import services as cs
from casedesk.cases.models import Case


@pytest.mark.django_db(transaction=True)
def test_concurrent_intake_gives_distinct_numbers(world):
    contact_id = world.alice.pk
    from casedesk.customers.models import SupportContact

    barrier = threading.Barrier(50)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            contact = SupportContact.objects.get(pk=contact_id)
            barrier.wait(timeout=30)
            cs.open_case(contact, channel="web", subject=f"parallel {n}")
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    numbers = list(Case.objects.values_list("tracking_number", flat=True))
    assert len(numbers) == 50
    assert len(set(numbers)) == 50
