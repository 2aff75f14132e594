"""A bounded schemathesis run against the OpenAPI document, in process through Django's WSGI
application: no server errors and no request the document calls valid refused by validation."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.generation import GenerationMode

from .conftest import Target, bearer

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

EXAMPLES = 10  # per operation, mode and role: about 840 requests, well under a minute


def _judge(case: Any, response: Any, mode: GenerationMode, problems: list[str]) -> None:
    where = f"{case.method} {case.formatted_path} {mode.value}"
    status = response.status_code
    if status >= 500:
        problems.append(f"{where}: {status} (query {case.query}, body {case.body!r})"[:300])
        return
    body = response.json() if "json" in response.headers.get("Content-Type", "") else None
    # Schema validation ("errors") refusing what the document calls valid. A service's refusal
    # of the case's state (already Severity 3, patches not in this level) is not that.
    valid = mode is GenerationMode.POSITIVE
    if valid and status == 400 and isinstance(body, dict) and "errors" in body:
        problems.append(f"{where}: valid request refused: {body} (body {case.body!r})"[:300])


@pytest.mark.parametrize("role", ["contact", "engineer"])
def test_schemathesis_finds_no_server_error_and_no_valid_request_refused(
    role: str, world: Any, target: Target, openapi_doc: dict[str, Any]
) -> None:
    schema = schemathesis.openapi.from_dict(openapi_doc)
    app = get_wsgi_application()
    headers = bearer(world, role)
    # Valid data goes to a real case and file, so it reaches the services, not a 404.
    pins = {"ref": target.ref, "pk": target.attachment}
    problems: list[str] = []
    sent: Counter[str] = Counter()
    # As Django's test client does: the test's transaction holds the world, so the handler
    # must not close the connection at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        for path, methods in openapi_doc["paths"].items():
            for method in methods:
                operation = schema[path][method.upper()]
                known = {k: v for k, v in pins.items() if "{" + k + "}" in path}
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                    _fuzz(operation, mode, known, app, headers, sent, problems)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    print(f"schemathesis ({role}): {dict(sent)} requests, {len(problems)} problems")
    assert not problems, "\n".join(problems)
    assert sum(sent.values()) > 100


def _fuzz(
    operation: Any,
    mode: GenerationMode,
    pins: dict[str, Any],
    app: Any,
    headers: dict[str, str],
    sent: Counter[str],
    problems: list[str],
) -> None:
    strategy = operation.as_strategy(
        mode, path_parameters=pins if mode is GenerationMode.POSITIVE else None
    )

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        response = case.call(app=app, headers=headers)
        sent[mode.value] += 1
        _judge(case, response, mode, problems)

    run()
