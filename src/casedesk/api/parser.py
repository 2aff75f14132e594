"""Ninja's parser, refusing text no database stores: NUL characters (PostgreSQL refuses them)
and lone surrogates (JSON text may carry \\ud800; UTF-8 cannot encode it). It reads every
JSON body, query string and form the API takes, so no endpoint has to check."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.parser import Parser

from casedesk.lib.inputs import text_problem


class BadText(ValueError):
    """Text in the request that cannot be stored; `field` is its dotted path, if any."""

    def __init__(self, field: str, problem: str) -> None:
        where = f"{field.rsplit('.', 1)[-1].replace('_', ' ').capitalize()}" if field else "It"
        super().__init__(f"{where} {problem}; remove it.")
        self.message = str(self)
        self.field = field


def _check(value: Any, path: str = "") -> None:
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            raise BadText(path, problem)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(key, path)  # a key with NUL is refused as the object's own text
            _check(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for item in value:
            _check(item, path)
    elif hasattr(value, "name") and isinstance(value.name, str):  # an uploaded file's name
        _check(value.name, path)


class StrictParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        _check(data)
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        result = super().parse_querydict(data, list_fields, request)
        _check(result)
        return result
