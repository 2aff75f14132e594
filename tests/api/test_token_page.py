"""The API tokens page: the portal's navigation for contacts, a copy button for the secret shown
once (a static script), revoking only after a confirmation step; the API docs in sections."""

from __future__ import annotations

import pytest

from casedesk.api.models import ApiToken

pytestmark = pytest.mark.django_db


def test_a_contact_gets_the_portal_navigation_and_a_copy_button(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.alice.user)
    html = client.post("/api/tokens/", {"name": "monitoring"}).content.decode()
    assert 'href="/portal/new/"' in html and "Open a case" in html
    assert 'data-copy="secret"' in html and 'id="secret"' in html
    assert "/static/casedesk/copy.js" in html
    assert "<script>" not in html  # no inline script (CSP)
    assert "Times in your time zone (America/Los_Angeles)." in html


def test_revoking_asks_first_and_changes_nothing_until_confirmed(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.alice.user)
    client.post("/api/tokens/", {"name": "monitoring"})
    token = ApiToken.objects.get(user=world.alice.user)
    listed = client.get("/api/tokens/").content.decode()
    assert f'href="?revoke={token.pk}#confirm-revoke"' in listed
    assert 'class="button secondary danger"' in listed
    asked = client.get(f"/api/tokens/?revoke={token.pk}").content.decode()
    assert "Revoke the token <strong>monitoring</strong>?" in asked
    assert "Scripts that use it stop working at once" in asked
    token.refresh_from_db()
    assert token.is_active
    done = client.post(f"/api/tokens/{token.pk}/revoke/", follow=True).content.decode()
    assert "Token &#x27;monitoring&#x27; is revoked." in done
    token.refresh_from_db()
    assert not token.is_active


def test_no_confirmation_for_someone_elses_token(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.bob.user)
    client.post("/api/tokens/", {"name": "bobs"})
    theirs = ApiToken.objects.get(user=world.bob.user)
    client.force_login(world.alice.user)
    html = client.get(f"/api/tokens/?revoke={theirs.pk}").content.decode()
    assert "bobs" not in html and 'id="confirm-revoke"' not in html


def test_an_engineer_gets_the_console_navigation(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.agent)
    html = client.get("/api/tokens/").content.decode()
    assert 'href="/console/"' in html and "Open a case" not in html


def test_the_api_docs_describe_the_api_in_sections(client, world) -> None:  # type: ignore[no-untyped-def]
    description = client.get("/api/openapi.json").json()["info"]["description"]
    for heading in ("## Authentication", "## Contacts and engineers", "## Errors"):
        assert heading in description
    assert "Authorization: Bearer <token>" in description
