"""casedesk's REST API (Django Ninja), mounted at /api/.

Schema at /api/openapi.json, interactive docs at /api/docs. Bodies are JSON; times are ISO 8601
in UTC. Every endpoint calls the case services, as the portal and console do, so the rules and
the refusal sentences are the same in every interface.

Authentication: a personal token, `Authorization: Bearer <token>`. Create one at /api/tokens/
(signed in) or with `casedesk apitoken create USERNAME --name NAME`; only its SHA-256 hash is
stored, so it is shown once. `casedesk apitoken revoke USERNAME --name NAME` revokes it. A browser
signed in to casedesk may also call the API with its session cookie, CSRF-checked (send the
csrftoken cookie's value as `X-CSRFToken` on POST). A missing, wrong or revoked token is a 401.

Contacts (a case is named by its tracking number, such as CASE-12):
  GET  /api/me                                 who the token acts as
  GET  /api/cases?status=&severity=&page=&page_size=
                                               own organisation's cases, newest first
  GET  /api/cases/search?q=&status=&severity=&page=
                                               own organisation's cases matching words or a
                                               "phrase" (public text only), best match first
  POST /api/cases                              open a case (channel "api"; starts at the web
                                               form's initial severity, a higher requested
                                               severity waits for an engineer)
  GET  /api/cases/{ref}                        the case, its SLA (deadline, clock, outcome,
                                               explanation lines), public history and patches
  POST /api/cases/{ref}/replies                reply (a finished case reopens within the terms'
                                               window; later, a follow-up case opens: 201)
  POST /api/cases/{ref}/severity-requests      ask for another severity, with a reason
  POST /api/cases/{ref}/reopen                 reopen a resolved or closed case
  POST /api/cases/{ref}/patch-requests         ask for an emergency patch
  GET  /api/cases/{ref}/attachments            the case's public files
  GET  /api/cases/{ref}/attachments/{id}       download one
  POST /api/cases/{ref}/attachments            upload (multipart: file, body), up to
                                               CASEDESK_MAX_ATTACHMENT_BYTES
  GET  /api/cases/{ref}/followers              colleagues who get the public updates by mail
  POST /api/cases/{ref}/followers              {"email"}: add one (the reporter, an engineer, or
                                               the colleague themselves); /followers/remove

Support engineers (they also read any case and list all cases above):
  GET  /api/queue?severity=&level=&customer=&assignee=&requests=
                                               open cases, earliest deadline first
  POST /api/cases/{ref}/responses              public reply (the first stops the clock)
  POST /api/cases/{ref}/notes                  internal note
  POST /api/cases/{ref}/severity               change severity: severity, reason,
                                               override_quota_reason
  POST /api/cases/{ref}/severity-requests/confirm | /decline
  POST /api/cases/{ref}/assignee               {"assignee": username or null}
  POST /api/cases/{ref}/status                 {"status": ..., "reason": ...}
  POST /api/cases/{ref}/exclusion              close as out of scope: {"code", "reason"}
  POST /api/cases/{ref}/patch-requests/{id}/delivery
  POST /api/cases/{ref}/attachments            with body; internal=true makes it a note
  GET  /api/cases/{ref}/links                  linked cases (contacts: their organisation's only)
  POST /api/cases/{ref}/links                  link another case: {"case", "kind": related or
                                               duplicate}; shown on both cases
  DELETE /api/cases/{ref}/links/{other}        remove the link
  POST /api/cases/{ref}/merge                  merge this duplicate into {"into", "note"} (same
                                               customer): messages and files copied there, this
                                               one closed as a duplicate, quota charged once

Errors are JSON `{"detail": sentence, "field": name or null}`: 400 for a refusal or invalid
input (schema errors add `errors`, one sentence per field), 401 without a valid token, 403 when
the role does not allow the action, 404 for a case that does not exist or belongs to another
organisation (the two look the same).

Retrying writes: every POST accepts an `Idempotency-Key` header (say a new UUID per request you
mean to make once). A retry with the same key and body within 24 hours gets the first response
again (same status and body, plus `Idempotent-Replayed: true`) and changes nothing; the same key
with another body is a 422; a retry while the first request still runs is a 409 (retry later).
"""
