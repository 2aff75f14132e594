"""Files on cases: a committed case keeps them, a refused or rolled-back change leaves none."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from casedesk.cases import services as cs
from casedesk.cases.models import Attachment, CaseEvent
from tests.cases.helpers import files_in, refused_after_the_file

# Real commits and rollbacks, as in production: the test is not wrapped in a transaction.
pytestmark = pytest.mark.django_db(transaction=True)

LOG = ("agent.log", "text/plain", b"stack trace\n")


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def refuse_after_the_file() -> Iterator[None]:
    with refused_after_the_file():
        yield


def test_a_committed_case_keeps_its_files(world: Any, media: Path) -> None:
    case = cs.open_case(world.alice, channel="web", subject="logs", attachments=[LOG])
    cs.add_note(world.agent, case, "another", attachments=[("note.txt", "", b"n")])
    names = sorted(Attachment.objects.values_list("file", flat=True))
    assert files_in(media) == names
    assert len(names) == 2


def test_a_refused_reply_leaves_no_file(
    world: Any, media: Path, refuse_after_the_file: None
) -> None:
    case = cs.open_case(world.alice, channel="web", subject="logs")
    with pytest.raises(cs.CaseError):
        cs.customer_reply(world.alice, case, body="more", attachments=[LOG])
    with pytest.raises(cs.CaseError):
        cs.respond(world.agent, case, "here", attachments=[LOG])
    with pytest.raises(cs.CaseError):
        cs.open_case(world.alice, channel="web", subject="again", attachments=[LOG])
    assert files_in(media) == []
    assert not Attachment.objects.exists()
    assert not CaseEvent.objects.filter(kind__in=["customer_replied", "replied"]).exists()


def test_the_files_of_a_rolled_back_outer_transaction_go_when_it_ends(
    world: Any, media: Path
) -> None:
    case = cs.open_case(world.alice, channel="web", subject="logs", attachments=[LOG])
    kept = files_in(media)
    with pytest.raises(RuntimeError), transaction.atomic():
        cs.customer_reply(world.alice, case, body="more", attachments=[("b.log", "", b"b")])
        raise RuntimeError("the caller's unit of work fails")
    assert len(files_in(media)) == 2  # the caller's transaction ended after the service's call
    cs.add_note(world.agent, case, "any later service call settles what is left")
    assert files_in(media) == kept
