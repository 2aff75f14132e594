from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casedesk.cases import services as cs

pytestmark = pytest.mark.django_db


def test_a_contact_sees_only_their_own_organisations_cases(world):
    mine = cs.open_case(world.alice, channel="web", subject="mine")
    theirs = cs.open_case(world.bob, channel="web", subject="theirs")
    assert list(cs.cases_visible_to(world.alice.user)) == [mine]
    assert cs.access_case(world.alice.user, mine.tracking_number) == mine
    with pytest.raises(cs.CaseNotFound):
        cs.access_case(world.alice.user, theirs.tracking_number)
    with pytest.raises(cs.CaseNotFound):
        cs.access_case(world.alice.user, theirs.pk)


def test_a_contact_cannot_reply_to_another_organisations_case(world):
    theirs = cs.open_case(world.bob, channel="web", subject="theirs")
    with pytest.raises(cs.CaseNotFound):
        cs.customer_reply(world.alice, theirs, body="hi")


def test_agents_see_every_case(world):
    cs.open_case(world.alice, channel="web", subject="a")
    cs.open_case(world.bob, channel="web", subject="b")
    assert cs.cases_visible_to(world.agent).count() == 2


def test_anonymous_users_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    cs.open_case(world.alice, channel="web", subject="a")
    assert cs.cases_visible_to(AnonymousUser()).count() == 0


def test_a_tracking_number_is_found_through_the_unique_index_in_any_case(world):
    case = cs.open_case(world.alice, channel="web", subject="Indexed")
    with CaptureQueriesContext(connection) as queries:
        found = cs.access_case(world.alice.user, f" {case.tracking_number.lower()} ")
    assert found.pk == case.pk
    sql = queries.captured_queries[-1]["sql"]
    # An exact match (served by the unique index), not UPPER(...) = or LIKE (a scan).
    assert "UPPER(" not in sql and " LIKE " not in sql
    assert cs.find_case_by_ref(case.tracking_number.lower()).pk == case.pk
