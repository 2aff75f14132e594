"""Password-reset mail is limited like sign-in; a login that never had a password gets an
invitation link (from the import, the admin, `casedesk invite` or "Forgot your password?")."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from casedesk.customers import services
from casedesk.lib import clock
from casedesk.mail import outbox
from casedesk.mail.models import OutboundMessage
from tests.mail.conftest import mail_settings, sink  # noqa: F401  (fixtures)

T0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
LINK = re.compile(r"https?://\S+/welcome/\S+/")

CONTACTS = """\
kind,customer,name,email,username
contact,acme,Gavin Belson,gavin@acme.example,gavin
"""


def sent(mailoutbox=None):  # type: ignore[no-untyped-def]
    """Mail the outbox holds, handed to the mail server as the worker would, then what it got."""
    outbox.deliver_due(clock.now() + dt.timedelta(days=1))
    return mailoutbox


@pytest.fixture(autouse=True)
def _pinned():
    with clock.pinned(T0):
        yield


def reset(client, email, address="10.0.0.1"):
    return client.post("/password-reset/", {"email": email}, REMOTE_ADDR=address)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def choose_password(link: str, password: str = "a-long-new-passphrase") -> Client:  # noqa: S107
    """Follow an invitation link as the person would: open it, then set the password."""
    client = Client()
    page = client.get(path_of(link), follow=True)
    assert "Choose your password" in page.content.decode()
    done = client.post(
        page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )
    assert done.status_code == 302, done.content.decode()
    return client


def test_reset_mail_for_one_address_is_limited(client, world, mailoutbox):
    for spelling in ["alice@example.com", "ALICE@example.com", " Alice@Example.com "]:
        assert reset(client, spelling).status_code == 302
    assert len(sent(mailoutbox)) == 3
    refused = reset(client, "alice@example.com", address="10.0.0.2")
    assert refused.status_code == 429
    assert "Too many password-reset requests; try again in 60 minutes" in refused.content.decode()
    assert len(sent(mailoutbox)) == 3
    with clock.pinned(T0 + dt.timedelta(hours=1, seconds=1)):
        assert reset(client, "alice@example.com").status_code == 302
    assert len(sent(mailoutbox)) == 4


def test_reset_requests_from_one_address_are_limited(client, world, mailoutbox):
    for i in range(10):
        assert reset(client, f"nobody{i}@example.com").status_code == 302
    assert reset(client, "alice@example.com").status_code == 429
    assert reset(client, "alice@example.com", address="10.0.0.2").status_code == 302
    assert len(sent(mailoutbox)) == 1


def test_reset_for_a_login_without_password_sends_the_invitation(client, world, mailoutbox):
    user, _ = services.create_login("frank", "frank@example.com")
    reset(client, "frank@example.com")
    assert len(sent(mailoutbox)) == 1
    assert "choose a password" in sent(mailoutbox)[0].subject
    link = LINK.search(sent(mailoutbox)[0].body).group(0)
    choose_password(link)
    assert Client().login(username="frank", password="a-long-new-passphrase")
    # One-time: the link stops working once the password is set.
    again = Client().get(path_of(link), follow=True).content.decode()
    assert "That invitation was used or is too old" in again


def test_import_mails_each_new_login_an_invitation(world, tmp_path, sink):  # noqa: F811
    path = tmp_path / "contacts.csv"
    path.write_text(CONTACTS)
    out = StringIO()
    call_command("import", str(path), stdout=out)
    assert "invitation mailed to gavin <gavin@acme.example>" in out.getvalue()
    sent()
    assert [to for _, to in sink.envelopes] == [["gavin@acme.example"]]
    body = sink.messages[0].get_body(("plain",)).get_content()
    choose_password(LINK.search(body).group(0), "gavins-own-passphrase")
    assert Client().login(username="gavin", password="gavins-own-passphrase")


def test_import_can_print_the_links_instead(world, tmp_path, mailoutbox):
    path = tmp_path / "contacts.csv"
    path.write_text(CONTACTS)
    out = StringIO()
    call_command("import", str(path), "--print-invitations", stdout=out)
    assert sent(mailoutbox) == []
    line = next(x for x in out.getvalue().splitlines() if x.startswith("invitation for gavin"))
    assert "<gavin@acme.example>" in line
    choose_password(LINK.search(line).group(0))


def test_a_failed_import_invites_nobody(world, tmp_path, mailoutbox):
    path = tmp_path / "contacts.csv"
    path.write_text(CONTACTS + "contact,nosuch,Someone,someone@example.com,someone\n")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import", str(path), stdout=StringIO())
    assert sent(mailoutbox) == []
    assert not get_user_model().objects.filter(username="gavin").exists()


def test_invite_command_for_an_engineer_login(world, mailoutbox):
    engineer = get_user_model().objects.create_user("erin", "erin@example.com")
    assert not engineer.has_usable_password()
    out = StringIO()
    call_command("invite", "erin", "--print", stdout=out)
    choose_password(LINK.search(out.getvalue()).group(0))
    with pytest.raises(CommandError, match="agent: already has a password"):
        call_command("invite", "agent", stdout=StringIO())


def test_adding_a_contact_in_the_admin_invites_its_new_login(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    login, _ = services.create_login("hank", "")
    assert client.login(username="manager", password="pw")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/customers/supportcontact/add/",
            {
                "customer": world.acme.pk,
                "name": "Hank Hill",
                "email": "hank@acme.example",
                "time_zone": "America/Chicago",
                "user": login.pk,
                "is_active": "on",
            },
            follow=True,
        )
    page = response.content.decode()
    assert "will get an invitation at hank@acme.example" in page, page[:3000]
    assert [m.to for m in sent(mailoutbox)] == [["hank@acme.example"]]
    choose_password(LINK.search(sent(mailoutbox)[0].body).group(0))


def test_reset_by_the_contact_address_invites_a_login_without_its_own(client, world, mailoutbox):
    login, _ = services.create_login("ida", "")
    services.add_contact(
        world.manager, world.acme, name="Ida Inge", email="ida@acme.example", user=login, at=T0
    )
    reset(client, "IDA@acme.example")
    assert [m.to for m in sent(mailoutbox)] == [["ida@acme.example"]]
    choose_password(LINK.search(sent(mailoutbox)[0].body).group(0))
    assert Client().login(username="ida", password="a-long-new-passphrase")


def test_the_admin_sends_the_invitation_again_on_request(client, world, mailoutbox):
    login, _ = services.create_login("hank", "")
    hank = services.add_contact(
        world.manager, world.acme, name="Hank Hill", email="hank@acme.example", user=login, at=T0
    )
    assert client.login(username="manager", password="pw")
    response = client.post(
        "/admin/customers/supportcontact/",
        {"action": "invite_selected", "_selected_action": [hank.pk, world.alice.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "1 invitation(s) sent." in page
    assert "Alice Adams has no login waiting for a first password" in page
    assert [m.to for m in sent(mailoutbox)] == [["hank@acme.example"]]


def test_reset_mail_goes_through_the_outbox(client, world, mailoutbox):
    assert reset(client, "alice@example.com").status_code == 302
    assert mailoutbox == []  # recorded with the request, not sent from it
    record = OutboundMessage.objects.get(kind="password_reset")
    assert record.to == ["alice@example.com"]
    assert [m.to for m in sent(mailoutbox)] == [["alice@example.com"]]
    assert re.search(r"/password-reset/[^/]+/[^/]+/", mailoutbox[0].body)
