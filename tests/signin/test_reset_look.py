"""The password reset pages carry casedesk's look, not the Django admin's."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

PAGES = (
    "/password-reset/",
    "/password-reset/sent/",
    "/password-reset/MQ/bad-token/",
    "/password-reset/done/",
)


@pytest.mark.parametrize("url", PAGES)
def test_every_reset_page_is_a_casedesk_page(client, url) -> None:  # type: ignore[no-untyped-def]
    response = client.get(url, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<a class="brand" href="/">casedesk</a>' in html
    assert "Django administration" not in html and "Django site admin" not in html
