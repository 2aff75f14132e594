"""The token page and `casedesk apitoken`."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from casedesk.api.models import ApiToken, token_hash

pytestmark = pytest.mark.django_db


def _secret(page: str) -> str:
    match = re.search(r'<code id="secret">(cdk_[^<]+)</code>', page)
    assert match, page
    return match.group(1)


def test_it_shows_a_new_token_once_and_it_works(client, world, now):
    client.force_login(world.alice.user)
    response = client.post("/api/tokens/", {"name": "monitoring"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    secret = _secret(response.content.decode())
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.token_hash) == (
        world.alice.user,
        "monitoring",
        token_hash(secret),
    )
    again = client.get("/api/tokens/").content.decode()
    assert secret not in again
    assert "monitoring" in again and f"{token.prefix}…" in again
    me = client.get("/api/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.json()["username"] == "alice"


def test_a_nameless_token_is_refused(client, world, now):
    client.force_login(world.alice.user)
    response = client.post("/api/tokens/", {"name": " "})
    assert response.status_code == 400
    assert "Give the token a name, such as the script or machine that uses it." in (
        response.content.decode()
    )
    assert not ApiToken.objects.exists()


def test_it_revokes_own_tokens_only(client, world, now):
    client.force_login(world.alice.user)
    client.post("/api/tokens/", {"name": "monitoring"})
    token = ApiToken.objects.get()
    client.force_login(world.bob.user)
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    client.force_login(world.alice.user)
    response = client.post(f"/api/tokens/{token.pk}/revoke/", follow=True)
    assert "Token &#x27;monitoring&#x27; is revoked." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at == now


def test_the_page_needs_a_sign_in(client):
    response = client.get("/api/tokens/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/api/tokens/"


def test_the_command_creates_lists_and_revokes(world, now):
    out, err = StringIO(), StringIO()
    call_command("apitoken", "create", "alice", "--name", "ci", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    assert "Token 'ci' for alice; copy it now, it is shown once:" in err.getvalue()
    assert ApiToken.objects.get().token_hash == token_hash(secret)
    out = StringIO()
    call_command("apitoken", "list", "alice", stdout=out)
    assert out.getvalue().startswith(f"ci\t{secret[:12]}…\tlive\tlast used never")
    out = StringIO()
    call_command("apitoken", "revoke", "alice", "--name", "ci", stdout=out)
    assert out.getvalue().strip() == f"Revoked 'ci' ({secret[:12]}…) of alice."
    with pytest.raises(CommandError, match="alice has no live token named 'ci'"):
        call_command("apitoken", "revoke", "alice", "--name", "ci")


def test_the_command_names_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user 'nobody'"):
        call_command("apitoken", "create", "nobody", "--name", "ci")
