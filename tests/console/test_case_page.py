"""The console's case page: header, version flags, SLA panel and the full timeline."""

from __future__ import annotations

import re

import pytest

from casedesk.cases import services as cs
from casedesk.customers import services as customers

from .conftest import NOW, open_case

pytestmark = pytest.mark.django_db


def page(client, case) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/console/cases/{case.tracking_number}/")
    assert response.status_code == 200
    return response.content.decode()


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_it_shows_the_header(agent_client, world):
    case = open_case(world.alice, requested_severity=1, subject="Scheduler stalls")
    cs.assign(world.agent, case, world.agent)
    html = text(page(agent_client, case))
    assert f"{case.tracking_number} · Scheduler stalls" in html
    assert "Acme · Premium (24x7x365) · Severity 3" in html
    assert "Severity 1 requested, awaiting confirmation" in html
    assert "Triaged · Assignee: agent" in html


def test_it_finds_a_case_by_lower_case_tracking_number(agent_client, world):
    case = open_case(world.alice)
    response = agent_client.get(f"/console/cases/{case.tracking_number.lower()}/")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("release", "flag"),
    [
        (
            "eol",
            "Unsupported version : DC/OS 1.10.0 reached the end of support on 2025-06-30: "
            "exclusion (d) applies — Customer has not installed",
        ),
        (
            "rc",
            "Non-production version : DC/OS 2.3.0-rc1 is not a production release (a "
            "milestone or release candidate): exclusion (i) applies — Use of any version",
        ),
    ],
)
def test_it_flags_unsupported_and_non_production_versions(agent_client, world, release, flag):
    r = world.releases[release]
    case = open_case(world.alice, product=r.product, version=r.version)
    assert case.version_exclusion
    html = page(agent_client, case)
    assert 'id="version-flag"' in html
    assert flag in text(html)


def test_it_does_not_flag_a_supported_version(agent_client, world):
    r = world.releases["supported"]
    case = open_case(world.alice, product=r.product, version=r.version)
    assert 'id="version-flag"' not in page(agent_client, case)


def test_it_shows_the_sla_panel_with_countdown_and_explanation(agent_client, world):
    case = open_case(world.alice, subject="Slow")  # Mon 10:00 PT, Premium Sev 3
    html = page(agent_client, case)
    assert "Premium, Severity 3: 1 business day" in html
    assert "Deadline: Tue 24 Nov 2026, 10:00 PST" in html
    assert '<span class="countdown" data-deadline="2026-11-24T18:00:00+00:00">' in html
    assert "7 h counted until 17:00" in html
    assert '<span class="badge warn">Pending</span>' in html


def test_it_shows_a_breach_and_how_late(agent_client, world):
    case = open_case(world.carol, minutes_ago=150)  # Signature Sev 3: 2 h
    cs.respond(world.agent, case, "Sorry for the wait.")
    html = page(agent_client, case)
    assert '<span class="badge bad">Breached</span>' in html
    assert "late by 30 min" in html
    assert "data-deadline" not in html.split('id="sla"')[1].split("</section>")[0]


def test_it_shows_internal_notes_styled_apart_from_replies(agent_client, world):
    case = open_case(world.alice)
    cs.add_note(world.agent, case, "Check the scheduler lock.")
    cs.respond(world.agent, case, "We are on it.")
    html = page(agent_client, case)
    assert re.search(r'<li class="internal">.*?internal.*?Check the scheduler lock\.', html, re.S)
    assert re.search(r'<li class="agent">.*?We are on it\.', html, re.S)
    assert re.search(r'<li class="customer">.*?Opened via web at Severity 3', html, re.S)


def test_it_offers_only_the_allowed_status_moves(agent_client, world):
    case = open_case(world.alice)
    cs.close(world.agent, case)
    html = page(agent_client, case)
    assert "Closed: no further moves." in html


def test_it_lists_agents_but_not_contacts_for_assignment(agent_client, world):
    html = page(agent_client, open_case(world.alice))
    select = html.split('id="assign-assignee"')[1].split("</select>")[0]
    assert ">agent<" in select
    assert ">manager<" in select
    assert ">alice<" not in select


def test_refused_quota_raises_and_patch_requests_are_in_the_timeline(agent_client, client, world):
    for n in range(10):
        customers.charge_incident(world.agent, world.globex_sub, case_ref=f"OLD-{n}", at=NOW)
    case = open_case(world.bob)
    with pytest.raises(cs.CaseError):
        cs.change_severity(world.agent, case, 2, "Orders fail")
    with pytest.raises(cs.CaseError):
        cs.request_patch(world.bob, case, "Hotfix please")
    html = text(page(agent_client, case))
    assert (
        "agent · internal Raise to Severity 2 refused: incident quota used up (10 of 10 used "
        "until 2027-01-01) Reason: Orders fail"
    ) in html
    assert "Emergency patch refused" in html
    # The customer sees the refused patch request, not the engineers' quota note.
    client.force_login(world.bob.user)
    portal = client.get(f"/portal/cases/{case.tracking_number}/").content.decode()
    assert "Emergency patch refused" in portal
    assert "quota used up" not in portal


def test_a_closed_case_offers_no_severity_change(agent_client, world):
    case = open_case(world.alice)
    assert (
        "/severity" in agent_client.get(f"/console/cases/{case.tracking_number}/").content.decode()
    )
    cs.close(world.agent, case)
    page = agent_client.get(f"/console/cases/{case.tracking_number}/").content.decode()
    assert "a closed case's severity is history and cannot change" in page
    assert 'action="/console/cases/' + case.tracking_number + "/severity" not in page
