"""Issue 16 over mail: a case opened by mail is of unknown kind and environment, and the
customer's mailed reply to a request for information resumes the case."""

from __future__ import annotations

from typing import Any

import pytest

from casedesk.cases import services as cs
from casedesk.cases.models import InfoRequest
from tests.mail.test_intake import accept, case_of, desk  # noqa: F401 - the fixture

from .conftest import make_mail

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_mailed_reply_answers_the_request_and_resumes_the_case(desk: Any) -> None:  # noqa: F811
    case = case_of(accept(make_mail(subject="Cluster will not start")))
    assert (case.kind, case.environment) == ("unknown", "unknown")
    request = cs.ask_customer(desk.agent, case, "The scheduler log")
    reply = accept(make_mail(subject=f"Re: [{case.tracking_number}] logs", body="Attached."))
    assert reply == f"250 OK: {case.tracking_number}"
    case.refresh_from_db()
    request.refresh_from_db()
    assert (case.status, request.state) == ("triaged", InfoRequest.State.ANSWERED)
