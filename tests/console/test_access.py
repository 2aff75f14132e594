"""Only support engineers reach the console: contacts get 404 on every page and file."""

from __future__ import annotations

import pytest
from django.test import Client

from casedesk.cases import services as cs

from .conftest import open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(world, now):  # type: ignore[no-untyped-def]
    """Alice's case with a public file from Alice and an internal one from an engineer."""
    case = open_case(world.alice, subject="Logs", attachments=[("app.log", "text/plain", b"boom")])
    cs.add_note(world.agent, case, "See dump", attachments=[("dump.html", "text/html", b"<h1>")])
    return case, list(case.attachments.order_by("id"))


def console_urls(case, patch_pk: int, file_pk: int) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    ref = case.tracking_number
    gets = [
        "/console/",
        "/console/customers/",
        "/console/customers/acme/",
        f"/console/cases/{ref}/",
        f"/console/files/{file_pk}",
    ]
    posts = [
        "respond",
        "note",
        "severity",
        "severity-request/confirm",
        "severity-request/decline",
        "assign",
        "status",
        "exclude",
        "patches",
        f"patches/{patch_pk}/deliver",
    ]
    return [("get", u) for u in gets] + [("post", f"/console/cases/{ref}/{p}") for p in posts]


def test_a_contact_gets_404_on_every_console_url_and_nothing_changes(client, world, files):
    case, (public, _internal) = files
    patch = cs.request_patch(world.agent, case, "Hotfix")
    events = case.events.count()
    client.force_login(world.alice.user)
    for method, url in console_urls(case, patch.pk, public.pk):
        data = {"body": "x", "severity": "1", "reason": "x", "summary": "x", "code": "a"}
        response = getattr(client, method)(url, data if method == "post" else None)
        assert response.status_code == 404, (method, url, response.status_code)
        assert b"Logs" not in response.content
    assert case.events.count() == events


def test_anonymous_visitors_are_sent_to_sign_in(client, world, files):
    case, (public, _internal) = files
    for method, url in console_urls(case, 1, public.pk):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/?next=")


def test_agents_download_public_and_internal_files_as_attachments(agent_client, files):
    _case, attachments = files
    for attachment, body in zip(attachments, [b"boom", b"<h1>"], strict=True):
        response = agent_client.get(f"/console/files/{attachment.pk}")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == body
        assert response["Content-Disposition"] == f'attachment; filename="{attachment.name}"'
        assert response["X-Content-Type-Options"] == "nosniff"


def test_the_case_page_links_every_file(agent_client, files):
    case, attachments = files
    page = agent_client.get(f"/console/cases/{case.tracking_number}/").content.decode()
    for attachment in attachments:
        assert f'href="/console/files/{attachment.pk}"' in page


def test_other_contacts_get_404_for_files_and_unknown_ids_too(client, world, files):
    _case, (public, internal) = files
    for user in (world.alice.user, world.bob.user):
        client.force_login(user)
        for pk in (public.pk, internal.pk, 999999):
            assert client.get(f"/console/files/{pk}").status_code == 404


def test_unknown_cases_and_customers_are_404(agent_client, world):
    assert agent_client.get("/console/cases/CASE-999999/").status_code == 404
    assert agent_client.get("/console/customers/nobody/").status_code == 404


def test_the_forms_need_a_csrf_token(world, files):
    case, _ = files
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.agent)
    response = client.post(f"/console/cases/{case.tracking_number}/note", {"body": "x"})
    assert response.status_code == 403
