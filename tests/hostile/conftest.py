"""The world the hostile-input tests attack: the shared customers, one case of acme's with a
file and a patch request, and a client per role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from casedesk.api.tokens import create_token
from casedesk.cases import services as cs
from casedesk.lib import clock
from tests.cases.helpers import pt

# Monday 23 Nov 2026, 10:00 PT: inside every test subscription's term.
NOW = pt(2026, 11, 23, 10, 0)
ROLES = ("anonymous", "contact", "engineer", "manager")


@dataclass
class Target:
    """Real values for the parameters not under attack, so hostile ones reach deep code."""

    ref: str
    attachment: int
    patch: int
    slug: str

    def fillers(self) -> dict[str, str]:
        return {
            "ref": self.ref,
            "other": self.ref,  # a linked case (issue 18's links)
            "pk": str(self.attachment),
            "id": "1",
            "object_id": "1",
            "content_type_id": "1",
            "slug": self.slug,
            "uidb64": "MQ",
            "token": "set-password",
            "url": "x",
        }


@pytest.fixture
def now() -> Iterator[Any]:
    with clock.pinned(NOW):
        yield NOW


@pytest.fixture
def target(world: Any, now: Any) -> Target:
    case = cs.open_case(
        world.alice,
        channel="web",
        subject="Scheduler stuck",
        description="Jobs stay queued since the upgrade.",
        attachments=[SimpleUploadedFile("log.txt", b"boom", content_type="text/plain")],
    )
    patch = cs.request_patch(world.alice, case, "Fix the scheduler")
    return Target(case.tracking_number, case.attachments.get().pk, patch.pk, world.acme.slug)


def user_of(world: Any, role: str) -> Any:
    return {
        "anonymous": None,
        "contact": world.alice.user,
        "engineer": world.agent,
        "manager": world.manager,
    }[role]


def page_client(world: Any, role: str) -> Client:
    """A browser session; the test client skips CSRF checks, so every POST reaches its view."""
    client = Client(raise_request_exception=False)
    user = user_of(world, role)
    if user is not None:
        client.force_login(user)
    return client


def bearer(world: Any, role: str) -> dict[str, str]:
    user = user_of(world, role)
    if user is None:
        return {}
    _, secret = create_token(user, f"hostile-{role}")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture(scope="session")
def openapi_doc(django_test_environment: None) -> dict[str, Any]:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]
