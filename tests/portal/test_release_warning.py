"""Issue 17: choosing a release the terms exclude warns on the form, with the exclusion's text,
before the case is sent; the case is accepted all the same."""

from __future__ import annotations

import re
from html import unescape

import pytest

from casedesk.cases.models import Case
from casedesk.lib import clock
from tests.cases.helpers import pt

pytestmark = pytest.mark.django_db

NOW = pt(2026, 11, 23, 10, 0)


@pytest.fixture
def alice_client(client, world):
    client.login(username="alice", password="pw")
    return client


def _between(page: str, start: str, end: str) -> str:
    return page[page.index(start) : page.index(end, page.index(start))]


def test_the_form_lists_the_excluded_releases_without_script(alice_client, world):
    with clock.pinned(NOW):
        page = unescape(alice_client.get("/portal/new/").content.decode())
    listed = _between(page, 'id="release-unsupported"', "</p>")
    assert "DC/OS 1.10.0" in listed and "DC/OS 2.3.0-rc1" in listed
    assert "DC/OS 2.2.0" not in listed  # supported
    texts = _between(page, 'id="release-warning-texts"', "</ul>")
    eol = world.releases["eol"].pk
    assert re.search(
        rf'data-release="{eol}">DC/OS 1.10.0 reached the end of support on 2025-06-30\. Your '
        r"terms exclude it from support, exclusion \(d\): “Customer has not installed",
        texts,
    )
    assert "is not a production release (a milestone or release candidate)" in texts
    assert "exclusion (i)" in texts


def test_a_reshown_form_keeps_the_chosen_releases_warning_and_the_case_is_accepted(
    alice_client, world
):
    eol = world.releases["eol"]
    data = {"requested_severity": "3", "release": str(eol.pk), "subject": "", "description": ""}
    with clock.pinned(NOW):
        page = unescape(alice_client.post("/portal/new/", data).content.decode())
    warning = _between(page, 'id="release-warning"', "</div>")
    assert "hidden" not in warning.split(">")[0]
    assert "DC/OS 1.10.0 reached the end of support on 2025-06-30" in warning

    data.update(subject="Old cluster", description="Marathon restarts every hour.")
    with clock.pinned(NOW):
        response = alice_client.post("/portal/new/", data)
    assert response.status_code == 302
    assert Case.objects.get().version == "1.10.0"


def test_no_warning_for_a_supported_release(alice_client, world):
    ok = world.releases["supported"]
    data = {"requested_severity": "3", "release": str(ok.pk), "subject": "", "description": ""}
    with clock.pinned(NOW):
        page = alice_client.post("/portal/new/", data).content.decode()
    assert 'id="release-warning" role="alert" hidden>' in page
