"""Issue 17: the new-case form asks what the terms ask (what was tried, diagnostics); engineers
read both on the console's case page, and a refused form keeps every word typed."""

from __future__ import annotations

from html import unescape

import pytest

from casedesk.cases.models import Case
from casedesk.cases.services.sections import MAX_SECTION
from casedesk.lib import clock
from tests.cases.helpers import pt

pytestmark = pytest.mark.django_db

NOW = pt(2026, 11, 23, 10, 0)
TRIED = "Restarted the scheduler twice; rolled back the config change."
LOGS = "dcos-version 2.2.0\nERROR mesos.master: offer timeout after 30s"


def _post(client, **fields):  # type: ignore[no-untyped-def]
    data = {
        "requested_severity": "3",
        "release": "",
        "subject": "Scheduler stuck",
        "description": "Jobs stay queued since the upgrade.",
        "tried": TRIED,
        "diagnostics": LOGS,
    }
    data.update(fields)
    with clock.pinned(NOW):
        return client.post("/portal/new/", data)


def test_the_form_asks_what_was_tried_and_invites_diagnostics_and_files(client, world):
    client.force_login(world.alice.user)
    with clock.pinned(NOW):
        page = unescape(client.get("/portal/new/").content.decode())
    assert '<label for="id_tried">What have you tried?</label>' in page
    assert "Your support terms ask you to try to solve the problem first" in page
    assert (
        '<label for="id_diagnostics">Diagnostics (logs, versions, error messages)</label>' in page
    )
    assert "attach whole log files, configurations and screenshots below" in page


def test_engineers_read_both_sections_on_the_case_page(client, world):
    client.force_login(world.alice.user)
    assert _post(client).status_code == 302
    case = Case.objects.get()
    assert case.description == (
        "Jobs stay queued since the upgrade.\n\n"
        f"What we tried:\n{TRIED}\n\n"
        f"Diagnostics (logs, versions, error messages):\n{LOGS}"
    )
    client.force_login(world.agent)
    with clock.pinned(NOW):
        page = unescape(client.get(f"/console/cases/{case.tracking_number}/").content.decode())
    assert f"What we tried:\n{TRIED}" in page
    assert "ERROR mesos.master: offer timeout after 30s" in page


def test_empty_sections_add_no_headings(client, world):
    client.force_login(world.alice.user)
    _post(client, tried="  ", diagnostics="")
    assert Case.objects.get().description == "Jobs stay queued since the upgrade."


def test_a_refused_form_keeps_what_was_tried_and_the_diagnostics(client, world):
    client.force_login(world.alice.user)
    response = _post(client, subject="")
    assert response.status_code == 200
    page = unescape(response.content.decode())
    assert f'id="id_tried">\n{TRIED}</textarea>' in page
    assert f'id="id_diagnostics">\n{LOGS}</textarea>' in page
    too_long = "x" * (MAX_SECTION + 1)
    page = unescape(_post(client, diagnostics=too_long).content.decode())
    assert (
        f"Ensure this value has at most {MAX_SECTION} characters (it has {MAX_SECTION + 1})."
        in page
    )
    assert f'id="id_tried">\n{TRIED}</textarea>' in page
    assert not Case.objects.exists()
