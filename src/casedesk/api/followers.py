"""A case's followers (issue 18): colleagues of the case's customer who get its public updates
by mail. Engineers and the reporter add anyone of that customer; a colleague adds themselves."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from casedesk.desk.services import followers

from .caller import ERRORS, caller, case_for

router = Router(tags=["followers"])


class FollowerIn(Schema):
    email: str


class FollowerOut(Schema):
    name: str
    email: str
    added_by: str
    added_at: dt.datetime


def _listing(request: HttpRequest, ref: str) -> list[dict[str, Any]]:
    return [
        {
            "name": f.contact.name,
            "email": f.contact.email,
            "added_by": f.added_by,
            "added_at": f.added_at,
        }
        for f in followers.followers_of(case_for(request, ref))
    ]


@router.get("/cases/{ref}/followers", response={200: list[FollowerOut], **ERRORS})
def follower_list(request: HttpRequest, ref: str) -> Any:
    """Who gets the case's public updates besides the reporter."""
    return _listing(request, ref)


@router.post("/cases/{ref}/followers", response={200: list[FollowerOut], **ERRORS})
def add(request: HttpRequest, ref: str, payload: FollowerIn) -> Any:
    """Add an active contact of the case's customer (by address); any other is refused."""
    followers.add_follower(caller(request).user, case_for(request, ref), payload.email)
    return _listing(request, ref)


@router.post("/cases/{ref}/followers/remove", response={200: list[FollowerOut], **ERRORS})
def remove(request: HttpRequest, ref: str, payload: FollowerIn) -> Any:
    followers.remove_follower(caller(request).user, case_for(request, ref), payload.email)
    return _listing(request, ref)
