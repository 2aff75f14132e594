"""The console's one access rule: support engineers (and managers) only."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from casedesk.customers.roles import is_agent, is_manager

_Request = TypeVar("_Request", bound=HttpRequest)
_Params = ParamSpec("_Params")
_Response = TypeVar("_Response", bound=HttpResponseBase)


def agent_required(
    view: Callable[Concatenate[_Request, _Params], _Response],
) -> Callable[Concatenate[_Request, _Params], _Response]:
    """Signed-in engineers pass; anyone else gets the same 404 as for a page that does not exist."""

    @login_required
    @functools.wraps(view)
    def wrapped(request: _Request, *args: _Params.args, **kwargs: _Params.kwargs) -> _Response:
        if not is_agent(request.user):
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return wrapped


def manager_required(
    view: Callable[Concatenate[_Request, _Params], _Response],
) -> Callable[Concatenate[_Request, _Params], _Response]:
    """Support managers only; engineers and everyone else get the same 404."""

    @agent_required
    @functools.wraps(view)
    def wrapped(request: _Request, *args: _Params.args, **kwargs: _Params.kwargs) -> _Response:
        if not is_manager(request.user):
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return wrapped
