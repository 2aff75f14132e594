import pytest

pytestmark = pytest.mark.django_db


def test_the_api_docs_load_their_assets_locally_not_from_a_cdn(client):
    page = client.get("/api/docs").content.decode()
    assert "/static/ninja/" in page
    assert "cdn.jsdelivr.net" not in page
    assert client.get("/static/ninja/swagger-ui.css").status_code == 200
