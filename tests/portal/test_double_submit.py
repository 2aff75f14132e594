"""The new-case form's hidden one-time token: a double submit opens one case and shows it."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection
from django.test import Client

from casedesk.cases.models import Case

FORM = {
    "requested_severity": "3",
    "release": "",
    "subject": "Scheduler stuck",
    "description": "Jobs stay queued since the upgrade.",
}


def _token(page: str) -> str:
    found = re.search(r'name="submission" value="([^"]+)"', page)
    assert found, "the form has no hidden one-time token"
    return found.group(1)


def _alice() -> Client:
    client = Client()
    assert client.login(username="alice", password="pw")
    return client


@pytest.mark.django_db
def test_sending_the_form_twice_opens_one_case_and_shows_it(world):
    client = _alice()
    token = _token(client.get("/portal/new/").content.decode())

    first = client.post("/portal/new/", {**FORM, "submission": token})
    second = client.post("/portal/new/", {**FORM, "submission": token}, follow=True)

    case = Case.objects.get()
    assert first["Location"] == f"/portal/cases/{case.tracking_number}/?new=1"
    assert second.redirect_chain[-1][0] == f"/portal/cases/{case.tracking_number}/"
    assert "This form was sent twice; the case was opened once, here it is." in (
        second.content.decode()
    )


@pytest.mark.django_db
def test_each_new_form_gets_its_own_token(world):
    client = _alice()
    first = _token(client.get("/portal/new/").content.decode())
    second = _token(client.get("/portal/new/").content.decode())
    assert first != second
    client.post("/portal/new/", {**FORM, "submission": first})
    client.post("/portal/new/", {**FORM, "submission": second})
    assert Case.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_form_keeps_its_token_and_opens_the_case_once_corrected(world):
    client = _alice()
    token = _token(client.get("/portal/new/").content.decode())
    bad = client.post("/portal/new/", {**FORM, "description": "short", "submission": token})
    assert bad.status_code == 200 and _token(bad.content.decode()) == token
    good = client.post("/portal/new/", {**FORM, "submission": token})
    assert good.status_code == 302 and Case.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_submits_at_the_same_moment_open_one_case(world):
    token = _token(_alice().get("/portal/new/").content.decode())
    answers: list[str] = []

    def submit() -> None:
        try:
            response = _alice().post("/portal/new/", {**FORM, "submission": token})
            answers.append(response["Location"])
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    case = Case.objects.get()
    assert sorted(answers) == sorted(
        [f"/portal/cases/{case.tracking_number}/", f"/portal/cases/{case.tracking_number}/?new=1"]
    )
