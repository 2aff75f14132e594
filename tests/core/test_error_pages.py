"""Error pages with DEBUG off: each says what happened in a sentence, carries the product's
look and leads back to where the reader belongs."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.urls")]


@pytest.fixture(autouse=True)
def _debug_off(settings):  # type: ignore[no-untyped-def]
    settings.DEBUG = False


def way_back(response) -> str:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    assert "casedesk" in html and 'class="card error-page"' in html
    return html.split('<a class="button" href="')[1].split('"')[0]


def test_a_visitor_gets_a_404_page_with_the_way_to_sign_in(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert (
        "There is no page at this address, or it is not yours to see." in response.content.decode()
    )
    assert way_back(response) == "/login/"


def test_a_contact_is_led_back_to_the_portal(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.alice.user)
    response = client.get("/portal/cases/NO-SUCH-1/")
    assert response.status_code == 404
    assert way_back(response) == "/portal/"
    assert "Back to your cases" in response.content.decode()


def test_an_engineer_is_led_back_to_the_console(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.agent)
    response = client.get("/console/cases/NO-SUCH-1/")
    assert response.status_code == 404
    assert way_back(response) == "/console/"
    assert "Times in" not in response.content.decode()  # no times on an error page


def test_a_contact_opening_the_console_sees_the_same_404(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.alice.user)
    response = client.get("/console/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "status", "sentence"),
    [
        ("/test/forbidden", 403, "Your login may not do this."),
        ("/test/unreadable", 400, "The page received something it could not understand"),
        ("/test/throttled", 429, "wait a minute, then try again"),
        ("/logout/", 405, "This address only accepts a submitted form"),
    ],
)
def test_each_error_says_what_happened(client, world, url, status, sentence) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.agent)
    response = client.get(url)
    assert response.status_code == status
    assert sentence in response.content.decode()
    assert way_back(response) == "/console/"


def test_a_throttled_answer_keeps_its_retry_after(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/test/throttled")
    assert response["Retry-After"] == "60"


def test_a_server_error_gets_a_page_without_the_traceback(client, world) -> None:  # type: ignore[no-untyped-def]
    client.raise_request_exception = False
    client.force_login(world.alice.user)
    response = client.get("/test/boom")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "a bug" not in html and "Traceback" not in html
    assert way_back(response) == "/"


def test_the_api_keeps_its_json_errors(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/cases/NO-SUCH-1")
    assert response["Content-Type"].startswith("application/json")
