"""The API's description on /api/docs and in the OpenAPI document: short sections, in Markdown
(Swagger UI renders it). The package docstring keeps the full endpoint list for readers of code."""

DESCRIPTION = """
Scripts and integrations use the same rules as the portal and the console: every endpoint calls
the same case services, so refusals read the same everywhere.

## Authentication

Send a personal token: `Authorization: Bearer <token>`. Create one, signed in, on
[API tokens](/api/tokens/); it is shown once (only its hash is kept) and acts as you. Revoke it on
the same page. A missing, wrong or revoked token gets a **401**.

## Contacts and engineers

- **Support contacts** see and act on their own organisation's cases only: list and open cases,
  reply, ask for another severity, reopen, ask for an emergency patch, upload and download files.
- **Support engineers** also read every case and the queue, and respond, add internal notes,
  change severity, assign, set the status, close as out of scope and deliver patches.

A case is named by its tracking number, such as `CASE-12`.

## Errors

Every error is JSON: `{"detail": "<one sentence>", "field": "<name or null>"}`.

- **400**: invalid input or a refusal by the terms (schema errors add `errors`, one per field).
- **401**: no valid token. **403**: your role may not do this.
- **404**: no such case, or another organisation's (the two look the same).
- **409** / **422**: an `Idempotency-Key` retry still running, or reused with another body.

## Times and retries

Times are ISO 8601 in UTC. Every POST accepts an `Idempotency-Key` header (a new UUID per
request you mean to make once); a retry within 24 hours gets the first answer again.
"""
