"""The console's one access rule: support engineers (and managers) only."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from casedesk.customers.roles import is_agent

View = Callable[..., HttpResponse]


def agent_required(view: View) -> View:
    """Signed-in engineers pass; anyone else gets the same 404 as for a page that does not exist."""

    @login_required
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_agent(request.user):
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return wrapped
