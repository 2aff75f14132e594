"""The search service on both databases: ranking, phrases, numbers, filters, snippets, and what
each person may match."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from casedesk.cases import services as cs
from casedesk.cases.models import Status
from casedesk.search.models import CaseText
from casedesk.search.services.cases import CaseFilters, search_cases
from casedesk.search.services.index import rebuild_all

pytestmark = pytest.mark.django_db


def refs(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [hit.case.tracking_number for hit in page.hits]


def test_it_finds_cases_by_their_words_for_an_engineer(world, searchable):
    page = search_cases(world.agent, "heartbeats scheduler")
    assert set(refs(page)) == {
        searchable.failover.tracking_number,
        searchable.globex.tracking_number,
    }


def test_it_ranks_a_match_in_the_subject_first(world, searchable):
    cs.add_note(world.agent, searchable.slow_ui, "Heartbeats were fine on this one.")
    page = search_cases(world.agent, "heartbeats")
    assert refs(page)[-1] == searchable.slow_ui.tracking_number
    assert len(refs(page)) == 3


def test_a_quoted_phrase_matches_only_as_written(world, searchable):
    assert refs(search_cases(world.agent, '"loses heartbeats from every"')) == [
        searchable.failover.tracking_number
    ]
    assert refs(search_cases(world.agent, '"every heartbeats"')) == []


def test_it_finds_notes_and_file_names_for_engineers(world, searchable):
    assert refs(search_cases(world.agent, "zookeeper quorum")) == [
        searchable.failover.tracking_number
    ]
    assert refs(search_cases(world.agent, "mesos-master.log")) == [
        searchable.failover.tracking_number
    ]


def test_a_contact_never_matches_internal_notes(world, searchable):
    alice = world.alice.user
    assert refs(search_cases(alice, "zookeeper")) == []
    assert refs(search_cases(alice, "password rotation")) == []
    # ...but does match her own public text and files.
    assert refs(search_cases(alice, "mesos master")) == [searchable.failover.tracking_number]


def test_a_contact_never_sees_another_organisations_case(world, searchable):
    page = search_cases(world.alice.user, "heartbeats")
    assert refs(page) == [searchable.failover.tracking_number]
    assert refs(search_cases(world.bob.user, "heartbeats")) == [searchable.globex.tracking_number]
    assert search_cases(world.alice.user, searchable.globex.tracking_number).exact is None


def test_the_snippet_marks_the_match_and_escapes_the_rest(world, searchable):
    hit = search_cases(world.agent, "cache").hits[0]
    assert "<mark>cache</mark>" in hit.snippet
    assert "&amp; indexes" in hit.snippet
    # SQLite's snippet keeps the tag as text (escaped); PostgreSQL's headline drops tags.
    assert "<b>" not in hit.snippet


def test_a_contacts_snippet_holds_no_internal_text(world, searchable):
    hit = search_cases(world.alice.user, "heartbeats failover").hits[0]
    assert "Zookeeper" not in hit.snippet
    assert "<mark>" in hit.snippet


def test_a_case_number_is_found_exactly(world, searchable):
    number = searchable.slow_ui.number
    for text in (
        searchable.slow_ui.tracking_number,
        searchable.slow_ui.tracking_number.lower(),
        str(number),
    ):
        assert search_cases(world.agent, text).exact == searchable.slow_ui
        assert search_cases(world.alice.user, text).exact == searchable.slow_ui
    assert search_cases(world.agent, "CASE-999999").exact is None


def test_filters_narrow_the_matches(world, searchable):
    closed = CaseFilters(statuses=(Status.CLOSED,))
    assert refs(search_cases(world.agent, "dashboard", closed)) == [
        searchable.slow_ui.tracking_number
    ]
    assert refs(search_cases(world.agent, "heartbeats", closed)) == []
    globex = CaseFilters(customer_id=world.globex.pk)
    assert refs(search_cases(world.agent, "heartbeats", globex)) == [
        searchable.globex.tracking_number
    ]
    assert refs(search_cases(world.agent, "heartbeats", CaseFilters(level="standard"))) == [
        searchable.globex.tracking_number
    ]


def test_filters_alone_list_the_newest_first(world, searchable):
    page = search_cases(world.agent, "", CaseFilters(customer_id=world.acme.pk))
    assert refs(page) == [searchable.slow_ui.tracking_number, searchable.failover.tracking_number]


def test_nothing_typed_finds_nothing(world, searchable):
    page = search_cases(world.agent, "   ")
    assert page.hits == [] and page.exact is None


def test_pages_follow_each_other(world, searchable):
    first = search_cases(world.agent, "heartbeats", page_size=1)
    second = search_cases(world.agent, "heartbeats", page=2, page_size=1)
    assert first.has_next and not second.has_next
    assert refs(first) != refs(second)


def test_query_syntax_typed_by_a_person_is_only_words(world, searchable):
    for text in ('heartbeats OR "', "heartbeats AND NOT x*", "{title}: heartbeats", "NEAR(a b)"):
        search_cases(world.agent, text)  # no database error
    assert len(refs(search_cases(world.agent, "heartbeats)*"))) == 2


def test_strangers_find_nothing(world, searchable, django_user_model):
    stranger = django_user_model.objects.create_user("stranger", "s@example.com", "pw")
    assert search_cases(stranger, "heartbeats").hits == []


def test_rebuild_indexes_cases_written_around_the_services(world, searchable):
    CaseText.objects.all().delete()
    assert search_cases(world.agent, "heartbeats").hits == []
    assert rebuild_all() == 3
    assert len(refs(search_cases(world.agent, "heartbeats"))) == 2


def test_the_reindex_command_says_how_many(world, searchable):
    out = io.StringIO()
    call_command("reindex", stdout=out)
    assert out.getvalue() == "Indexed 3 cases for search.\n"


def test_a_word_in_very_many_cases_ranks_the_newest_matches(world, searchable, monkeypatch):
    cs.add_note(world.agent, searchable.slow_ui, "Heartbeats were fine on this one.")
    monkeypatch.setattr("casedesk.search.services.sql.CANDIDATES", 2)
    page = search_cases(world.agent, "heartbeats")
    assert page.capped
    # The two newest of the three matches; the oldest waits for more words or filters.
    assert refs(page) == [searchable.globex.tracking_number, searchable.slow_ui.tracking_number]
    assert not search_cases(world.agent, "heartbeats failover").capped


def test_text_appended_as_events_arrive_equals_a_rebuild(world, searchable):
    cs.add_note(world.agent, searchable.globex, "Second look: the leader election is flapping.")
    appended = list(CaseText.objects.order_by("pk").values_list())
    rebuild_all()
    assert list(CaseText.objects.order_by("pk").values_list()) == appended
