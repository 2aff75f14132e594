"""A case file never runs in the reader's browser: the portal, the console and the API send
everything as bytes to save, except PNG, JPEG and GIF screenshots proven by their own bytes. The
type the uploader declared is only shown (API listing), never sent back as the file's type."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from casedesk.api.tokens import create_token
from casedesk.cases import services as cs

pytestmark = pytest.mark.django_db

HTML = b"<html><body><script>fetch('/api/cases').then(r => r.text()).then(steal)</script>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16
GIF = b"GIF89a\x01\x00\x01\x00" + b"\x00" * 16


@dataclass
class Downloads:
    """One case holding every kind of file, and the three ways to fetch one."""

    case: Any
    portal: Client
    console: Client
    bearer: dict[str, str]

    def fetch(self, name: str) -> dict[str, Any]:
        pk = self.case.attachments.get(name=name).pk
        ref = self.case.tracking_number
        return {
            "portal": self.portal.get(f"/portal/files/{pk}/"),
            "console": self.console.get(f"/console/files/{pk}"),
            "api": Client().get(f"/api/cases/{ref}/attachments/{pk}", headers=self.bearer),
        }


@pytest.fixture
def downloads(world: Any, settings: Any, tmp_path: Path) -> Downloads:
    settings.MEDIA_ROOT = tmp_path
    files = [
        ("page.html", "text/html", HTML),
        ("logo.svg", "image/svg+xml", SVG),
        ("screen.png", "image/png", PNG),
        ("photo.jpg", "image/jpeg", JPEG),
        ("anim.gif", "image/gif", GIF),
        # Declared and named as a screenshot, but the bytes are a web page.
        ("fake.png", "image/png", HTML),
    ]
    case = cs.open_case(world.alice, channel="web", subject="Files", attachments=files)
    portal, console = Client(), Client()
    portal.force_login(world.alice.user)
    console.force_login(world.agent)
    _, token = create_token(world.alice.user, "downloads")
    return Downloads(case, portal, console, {"Authorization": f"Bearer {token}"})


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("name", ["page.html", "logo.svg", "fake.png"])
def test_it_sends_web_content_as_bytes_to_save(downloads: Downloads, name: str) -> None:
    for interface, response in downloads.fetch(name).items():
        where = f"{name} via {interface}"
        assert response.status_code == 200, where
        assert response["Content-Type"] == "application/octet-stream", where
        assert response["Content-Disposition"] == f'attachment; filename="{name}"', where
        assert response["X-Content-Type-Options"] == "nosniff", where
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox", where
        assert _body(response) == (SVG if name == "logo.svg" else HTML), where


@pytest.mark.parametrize(
    ("name", "content_type", "data"),
    [
        ("screen.png", "image/png", PNG),
        ("photo.jpg", "image/jpeg", JPEG),
        ("anim.gif", "image/gif", GIF),
    ],
)
def test_it_shows_screenshots_inline_as_their_image_type(
    downloads: Downloads, name: str, content_type: str, data: bytes
) -> None:
    for interface, response in downloads.fetch(name).items():
        where = f"{name} via {interface}"
        assert response.status_code == 200, where
        assert response["Content-Type"] == content_type, where
        assert response["Content-Disposition"] == f'inline; filename="{name}"', where
        assert response["X-Content-Type-Options"] == "nosniff", where
        assert "sandbox" in response["Content-Security-Policy"], where
        assert _body(response) == data, where


def test_the_declared_type_is_still_listed(downloads: Downloads) -> None:
    case = downloads.case
    listing = Client().get(
        f"/api/cases/{case.tracking_number}/attachments", headers=downloads.bearer
    )
    declared = {f["name"]: f["content_type"] for f in listing.json()}
    assert declared["page.html"] == "text/html"
    assert declared["logo.svg"] == "image/svg+xml"
    assert declared["fake.png"] == "image/png"
