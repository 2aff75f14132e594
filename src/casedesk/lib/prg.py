"""Post/redirect/get for form actions: a POST-only address opened with GET (a revisited or
bookmarked `/reply/`, the back button) goes to the page the form lives on, not a bare 405."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse

View = Callable[..., HttpResponseBase]


def post_only(target: str, *keep: str) -> Callable[[View], View]:
    """Run the view on POST; redirect GET and HEAD to the URL named `target`, reversed with the
    URL keywords named in `keep` (e.g. `post_only("portal:case", "ref")`). Other methods get a
    405, which the error-page middleware brands."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method == "POST":
                return view(request, *args, **kwargs)
            if request.method in ("GET", "HEAD"):
                url = reverse(target, kwargs={name: kwargs[name] for name in keep})
                return HttpResponseRedirect(url)
            return HttpResponseNotAllowed(["POST"])

        # Read by the test that walks every URL pattern (and by nobody else).
        wrapped.post_only_target = target  # type: ignore[attr-defined]
        return wrapped

    return decorate
