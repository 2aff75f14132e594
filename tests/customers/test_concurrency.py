"""Concurrent requests against the limits, on a real database (run on SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection

from casedesk.customers import services
from casedesk.customers.models import QuotaEntry
from casedesk.customers.services import EntitlementError
from tests.customers.helpers import AT, add_contacts


def race(n: int, work: Callable[[int], object]) -> list[object]:
    barrier = threading.Barrier(n)
    results: list[object] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # the outcome is what the test checks
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_concurrent_additions_never_pass_the_contact_limit(transactional_db, world):
    add_contacts(world.manager, world.acme, 6)  # 7 active, limit 8
    results = race(
        4,
        lambda i: services.add_contact(
            world.manager, world.acme, name=f"R{i}", email=f"r{i}@acme.example", at=AT
        ),
    )
    refused = [r for r in results if isinstance(r, EntitlementError)]
    assert len(refused) == 3, results
    assert world.acme.contacts.filter(is_active=True).count() == 8


def test_concurrent_charges_never_pass_the_quota(transactional_db, world):
    for i in range(8):
        services.charge_incident(world.agent, world.globex_sub, case_ref=f"C-{i}", at=AT)
    results = race(
        4,
        lambda i: services.charge_incident(world.agent, world.globex_sub, case_ref=f"N-{i}", at=AT),
    )
    assert sum(isinstance(r, QuotaEntry) for r in results) == 2, results
    assert services.quota_status(world.globex_sub, AT).used == 10


def test_the_same_case_charged_concurrently_is_charged_once(transactional_db, world):
    results = race(
        4,
        lambda i: services.charge_incident(world.agent, world.globex_sub, case_ref="SAME", at=AT),
    )
    assert sum(isinstance(r, QuotaEntry) for r in results) == 1, results
    assert QuotaEntry.objects.filter(case_ref="SAME").count() == 1
