"""Post/redirect/get: a POST-only address opened in the browser (a revisit, the back button, a
bookmark) leads to the page its form is on; no address answers with a bare 405."""

from __future__ import annotations

import pytest

from tests.console.conftest import open_case

from .urlwalk import pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def values(world, now):  # type: ignore[no-untyped-def]
    case = open_case(world.alice)
    return {"ref": case.tracking_number, "slug": world.acme.slug, "pk": "1"}


def test_it_knows_the_post_only_forms() -> None:
    post_only = [p.route for p in pages() if hasattr(p.view, "post_only_target")]
    assert "portal/cases/<str:ref>/reply/" in post_only
    assert "console/cases/<str:ref>/severity" in post_only
    assert "api/tokens/<int:pk>/revoke/" in post_only
    assert len(post_only) >= 25


@pytest.mark.parametrize(
    ("who", "side"), [("alice", ("portal/", "api/")), ("agent", ("console/", "api/"))]
)
def test_it_redirects_a_get_on_every_post_only_address(client, world, values, who, side) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.alice.user if who == "alice" else world.agent)
    for page in pages():
        if not hasattr(page.view, "post_only_target") or not page.route.startswith(side):
            continue
        response = client.get(page.url(values))
        assert response.status_code == 302, page.route
        assert "/reply" not in response["Location"], page.route


def test_it_sends_a_revisited_reply_address_to_the_case_page(client, world, values) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.alice.user)
    response = client.get(f"/portal/cases/{values['ref']}/reply/", follow=True)
    assert response.redirect_chain == [(f"/portal/cases/{values['ref']}/", 302)]
    assert response.status_code == 200
    assert values["ref"] in response.content.decode()


def test_it_sends_a_revisited_severity_address_to_the_console_case(client, world, values) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.agent)
    response = client.get(f"/console/cases/{values['ref']}/severity")
    assert response.status_code == 302
    assert response["Location"] == f"/console/cases/{values['ref']}/"


def test_it_still_hides_another_organisations_case_after_the_redirect(
    client, world, values
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.bob.user)
    response = client.get(f"/portal/cases/{values['ref']}/reply/", follow=True)
    assert response.status_code == 404
    unknown = client.get("/portal/cases/NO-SUCH-1/reply/", follow=True)
    assert unknown.status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "alice", "agent"])
def test_no_page_answers_a_get_with_a_bare_405(client, world, values, who) -> None:  # type: ignore[no-untyped-def]
    if who != "anonymous":
        client.force_login(world.alice.user if who == "alice" else world.agent)
    for page in pages():
        response = client.get(page.url(values))
        if response.status_code == 405:
            assert "This address is for forms only" in response.content.decode(), page.route


def test_other_methods_get_a_branded_405_that_says_what_is_allowed(client, world, values) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.alice.user)
    response = client.put(f"/portal/cases/{values['ref']}/reply/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "only accepts a submitted form" in response.content.decode()
