"""Two engineers at once (issue 18): merging two cases into each other leaves one merged into
the other, never both; linking the same pair twice leaves one link."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import close_old_connections, connection

from casedesk.cases import services as cs
from casedesk.cases.models import Case, CaseLink, Status


def _race(calls: list[Callable[[], object]]) -> list[BaseException]:
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def work(call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            call()
        except BaseException as exc:  # noqa: BLE001 - collected and asserted by the caller
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


@pytest.mark.django_db(transaction=True)
def test_merging_two_cases_into_each_other_at_once_merges_one(world):
    a = cs.open_case(world.alice, channel="web", subject="Scheduler down")
    b = cs.open_case(world.alice, channel="web", subject="Jobs stuck")
    errors = _race(
        [
            lambda: cs.merge_cases(world.agent, Case.objects.get(pk=a.pk), b.tracking_number),
            lambda: cs.merge_cases(world.agent, Case.objects.get(pk=b.pk), a.tracking_number),
        ]
    )
    assert len(errors) == 1 and isinstance(errors[0], cs.CaseError), errors
    assert errors[0].message.endswith("already.")  # "CASE-x was merged into CASE-y already."
    statuses = sorted(Case.objects.values_list("status", flat=True))
    assert statuses == sorted([Status.CLOSED, Status.NEW])
    merged = Case.objects.get(status=Status.CLOSED)
    assert Case.objects.get(pk=merged.duplicate_of_id).duplicate_of_id is None


@pytest.mark.django_db(transaction=True)
def test_linking_the_same_pair_at_once_makes_one_link(world):
    a = cs.open_case(world.alice, channel="web", subject="Scheduler down")
    b = cs.open_case(world.alice, channel="web", subject="Jobs stuck")
    errors = _race(
        [
            lambda: cs.link_cases(world.agent, Case.objects.get(pk=a.pk), b.tracking_number),
            lambda: cs.link_cases(world.agent, Case.objects.get(pk=b.pk), a.tracking_number),
        ]
    )
    assert [type(e) for e in errors] == [cs.CaseError]
    assert CaseLink.objects.count() == 1
