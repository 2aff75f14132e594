from __future__ import annotations

from django.urls import path

from . import pages
from .api import api

urlpatterns = [
    path("tokens/", pages.tokens, name="api-tokens"),
    path("tokens/<int:pk>/revoke/", pages.revoke, name="api-token-revoke"),
    path("", api.urls),
]
