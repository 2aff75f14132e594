"""The NinjaAPI instance: routers, auth and the error shape. See the package docstring."""

from __future__ import annotations

from . import after, cases, engineers, errors, subscription
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
api.add_router("/", cases.router)
api.add_router("/", engineers.router)
api.add_router("/", after.router)
api.add_router("/", subscription.router)
