"""API tests: callers with Bearer tokens, every response checked against /api/openapi.json."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from casedesk.api.tokens import create_token
from casedesk.cases import services as cs
from casedesk.lib import clock
from tests.cases.helpers import pt

from .openapi import check_response

# Monday 23 Nov 2026, 10:00 PT: a business day inside every test subscription's term.
NOW = pt(2026, 11, 23, 10, 0)


@pytest.fixture(scope="session")
def openapi_doc(django_test_environment: None) -> dict[str, Any]:
    """The document as served, so the tests read what API clients read."""
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


class Caller:
    """One API user's HTTP client; each response is checked against the OpenAPI document."""

    def __init__(self, doc: dict[str, Any], token: str | None, client: Client | None = None):
        self.doc = doc
        self.token = token
        self.client = client or Client()

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def _checked(self, method: str, path: str, response: Any) -> Any:
        check_response(self.doc, method, path, response)
        return response

    def get(self, path: str, **params: Any) -> Any:
        response = self.client.get(path, params, headers=self._headers())
        return self._checked("GET", path, response)

    def post(self, path: str, body: Any = None) -> Any:
        response = self.client.post(
            path, json.dumps(body or {}), content_type="application/json", headers=self._headers()
        )
        return self._checked("POST", path, response)

    def delete(self, path: str) -> Any:
        response = self.client.delete(path, headers=self._headers())
        return self._checked("DELETE", path, response)

    def upload(self, path: str, **data: Any) -> Any:
        response = self.client.post(path, data, headers=self._headers())
        return self._checked("POST", path, response)


@pytest.fixture
def now() -> Iterator[dt.datetime]:
    with clock.pinned(NOW):
        yield NOW


def _caller(doc: dict[str, Any], user: Any) -> Caller:
    _, secret = create_token(user, "tests")
    return Caller(doc, secret)


@pytest.fixture
def alice(world, now, openapi_doc) -> Caller:  # type: ignore[no-untyped-def]
    return _caller(openapi_doc, world.alice.user)


@pytest.fixture
def bob(world, now, openapi_doc) -> Caller:  # type: ignore[no-untyped-def]
    return _caller(openapi_doc, world.bob.user)


@pytest.fixture
def agent(world, now, openapi_doc) -> Caller:  # type: ignore[no-untyped-def]
    return _caller(openapi_doc, world.agent)


@pytest.fixture
def anonymous(openapi_doc) -> Caller:  # type: ignore[no-untyped-def]
    return Caller(openapi_doc, None)


def open_case(contact: Any, *, minutes_ago: int = 0, **kwargs: Any) -> Any:
    """A case opened through the services `minutes_ago` before NOW (API channel by default)."""
    kwargs.setdefault("channel", "api")
    kwargs.setdefault("subject", "Scheduler stuck")
    at = NOW - dt.timedelta(minutes=minutes_ago)
    with clock.pinned(at):
        return cs.open_case(contact, received_at=at, **kwargs)


def refused(response: Any, status: int, detail: str, field: str | None = None) -> None:
    assert response.status_code == status, response.content
    assert response.json() == {"detail": detail, "field": field}
