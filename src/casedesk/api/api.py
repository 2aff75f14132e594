"""The NinjaAPI instance: routers, auth and the error shape. See the package docstring."""

from __future__ import annotations

from . import (
    after,
    bulk,
    cases,
    customer_requests,
    engineers,
    errors,
    followers,
    links,
    search,
    subscription,
)
from .auth import AUTH
from .description import DESCRIPTION
from .idempotency import IdempotentAPI
from .parser import StrictParser

# Every POST accepts an Idempotency-Key (casedesk.api.idempotency): one layer, no per-endpoint code.
api = IdempotentAPI(
    title="casedesk API",
    version="1",
    description=DESCRIPTION,
    auth=AUTH,
    urls_namespace="api",
    parser=StrictParser(),
)
errors.install(api)
api.add_router("/", bulk.router)  # first: "/cases/bulk" is not the case "bulk"
api.add_router("/", search.router)  # before /cases/{ref}, which "search" would match
api.add_router("/", cases.router)
api.add_router("/", engineers.router)
api.add_router("/", after.router)
api.add_router("/", subscription.router)
api.add_router("/", customer_requests.router)
api.add_router("/", links.router)
api.add_router("/", followers.router)
