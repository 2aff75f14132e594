from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from casedesk.cases import services as cs
from casedesk.cases.models import Case
from casedesk.customers import services as customers
from casedesk.lib import clock
from casedesk.mail import outbox
from tests.cases.helpers import REFUSED_AFTER_THE_FILE, files_in, pt, refused_after_the_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_client(client, world):
    client.login(username="alice", password="pw")
    return client


def _open(client, **fields):
    data = {
        "requested_severity": "3",
        "release": "",
        "subject": "Scheduler stuck",
        "description": "Jobs stay queued since the upgrade.",
    }
    data.update(fields)
    return client.post("/portal/new/", data)


def test_a_contact_opens_a_case_and_sees_number_severity_and_deadline(alice_client, world):
    with clock.pinned(pt(2026, 11, 20, 16, 30)):  # Friday 16:30 PT
        response = _open(alice_client, requested_severity="1")
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/portal/cases/{case.tracking_number}/?new=1"
    with clock.pinned(pt(2026, 11, 20, 16, 31)):
        page = alice_client.get(response["Location"]).content.decode()
    assert f"Your tracking number is <strong>{case.tracking_number}</strong>" in page
    assert (
        "<strong>Severity 3</strong>: under your terms, every case opened through the web form starts there"
        in page
    )
    assert "You asked for Severity 1; a support engineer confirms or declines it." in page
    # Premium Sev 3: 1 business day, shown in Alice's zone (Pacific by default).
    assert "Mon 23 Nov 2026, 16:30 PST" in page


def test_a_business_hours_plan_out_of_hours_says_when_the_day_starts(client, world):
    client.login(username="bob", password="pw")
    with clock.pinned(pt(2026, 11, 20, 18, 0)):  # Friday 18:00 PT, Standard plan
        response = _open(client)
        page = client.get(response["Location"]).content.decode()
    assert "The vendor's next business day starts Mon 23 Nov 2026, 09:00 PST." in page


def test_the_form_shows_the_severity_definitions(alice_client):
    page = alice_client.get("/portal/new/").content.decode()
    assert "Catastrophic: production down" in page
    assert "Web cases start at Severity 3 under your terms." in page


def test_bad_input_is_marked_next_to_the_field_and_kept(alice_client):
    response = _open(alice_client, subject="", description="Jobs stay queued since the upgrade.")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<div class="field has-error">\n  <label for="id_subject">Subject</label>' in page
    assert "This field is required." in page
    assert "Jobs stay queued since the upgrade." in page  # what was typed is kept
    assert not Case.objects.exists()


def test_an_oversized_file_is_refused_next_to_the_field(alice_client, settings):
    settings.CASEDESK_MAX_ATTACHMENT_BYTES = 100
    upload = SimpleUploadedFile("dump.bin", b"x" * 500, content_type="application/octet-stream")
    response = _open(alice_client, attachments=upload, subject="Crash dump attached")
    page = response.content.decode()
    assert "dump.bin is 0 KB; the limit is 0 KB per file." in page or "dump.bin is" in page
    assert 'value="Crash dump attached"' in page
    assert not Case.objects.exists()


def test_a_contact_replies_and_asks_for_a_severity_change(alice_client, world):
    case = cs.open_case(world.alice, channel="web", subject="x")
    url = f"/portal/cases/{case.tracking_number}/"
    assert alice_client.post(url + "reply/", {"body": "more detail"}).status_code == 302
    r = alice_client.post(url + "severity/", {"severity": "2", "reason": "orders failing"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert (case.requested_severity, case.severity_request) == (2, "pending")
    r = alice_client.post(url + "severity/", {"severity": "2", "reason": ""})
    assert r.status_code == 400
    assert "This field is required." in r.content.decode()


def test_internal_notes_never_reach_the_portal(alice_client, world):
    case = cs.open_case(world.alice, channel="web", subject="x")
    cs.add_note(world.agent, case, "customer is on an old kernel, sigh")
    cs.respond(world.agent, case, "Please send the logs.")
    page = alice_client.get(f"/portal/cases/{case.tracking_number}/").content.decode()
    assert "Please send the logs." in page
    assert "old kernel" not in page


def test_a_contact_gets_404_for_every_page_and_file_of_another_customers_case(
    alice_client, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    theirs = cs.open_case(
        world.bob,
        channel="web",
        subject="Globex secret",
        attachments=[("s.log", "text/plain", b"secret")],
    )
    file_id = theirs.attachments.get().pk
    base = f"/portal/cases/{theirs.tracking_number}/"
    assert alice_client.get(base).status_code == 404
    assert alice_client.get(f"/portal/cases/{theirs.pk}/").status_code == 404
    for action in ("reply/", "severity/", "reopen/", "patch/"):
        assert (
            alice_client.post(
                base + action, {"body": "x", "severity": "1", "reason": "x", "summary": "x"}
            ).status_code
            == 404
        )
    assert alice_client.get(f"/portal/files/{file_id}/").status_code == 404
    assert "Globex secret" not in alice_client.get("/portal/?show=all").content.decode()
    theirs.refresh_from_db()
    assert theirs.events.count() == 1


def test_a_contact_downloads_their_own_files_as_attachments(
    alice_client, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    case = cs.open_case(
        world.alice,
        channel="web",
        subject="x",
        attachments=[("a.html", "text/html", b"<script>x</script>")],
    )
    response = alice_client.get(f"/portal/files/{case.attachments.get().pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_agents_and_strangers_have_no_portal(client, world):
    client.login(username="agent", password="pw")
    assert client.get("/portal/").status_code == 404
    client.logout()
    assert client.get("/portal/").status_code == 302  # to the sign-in page


def test_the_subscription_page_shows_limits_and_quota(client, world):
    client.login(username="bob", password="pw")
    page = client.get("/portal/subscription/").content.decode()
    assert "Standard" in page
    assert "1 of 2 active contacts" in page
    assert "0 of 10 Severity 1/2 incidents used this subscription year (renews" in page


def test_sign_in_is_limited_after_five_failures(client, world):
    for _ in range(5):
        assert client.post("/login/", {"username": "alice", "password": "wrong"}).status_code == 200
    response = client.post("/login/", {"username": "alice", "password": "pw"})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()


def test_password_reset_sends_a_link(client, world, mailoutbox):
    client.post("/password-reset/", {"email": "alice@example.com"})
    outbox.deliver_due(clock.now() + dt.timedelta(minutes=1))  # the worker's pass
    assert len(mailoutbox) == 1
    assert "/password-reset/" in mailoutbox[0].body


def test_the_case_list_shows_times_in_the_contacts_zone(alice_client, world):
    world.alice.time_zone = "Europe/Berlin"
    world.alice.save(update_fields=["time_zone"])
    cs.open_case(world.alice, channel="web", subject="zoned", received_at=pt(2026, 11, 20, 16, 30))
    page = alice_client.get("/portal/").content.decode()
    assert "21 Nov 2026, 01:30 CET" in page


def test_the_reopen_form_shows_while_the_service_still_allows_reopening(alice_client, world):
    closed_at = pt(2026, 11, 2, 10, 0)
    case = cs.open_case(world.alice, channel="web", subject="done", received_at=closed_at)
    cs.close(world.agent, case, at=closed_at)
    window = case.terms_version.terms.cases.reopen_window_days
    last_moment = closed_at + dt.timedelta(days=window)  # the service's window includes it
    with clock.pinned(last_moment):
        page = alice_client.get(f"/portal/cases/{case.tracking_number}/").content.decode()
        assert 'id="reopen"' in page
        response = alice_client.post(
            f"/portal/cases/{case.tracking_number}/reopen/", {"reason": "still broken"}
        )
    assert response.status_code == 302
    with clock.pinned(last_moment + dt.timedelta(seconds=1)):
        page = alice_client.get(f"/portal/cases/{case.tracking_number}/").content.decode()
    assert 'id="reopen"' not in page


@pytest.mark.parametrize(
    ("at", "current"),
    [
        # 19:00 PT on the term's last day is already 2028-01-01 in UTC: still current.
        (pt(2027, 12, 31, 19, 0), True),
        # 21:00 PT the day before the term starts is 2026-01-01 in UTC: not yet current.
        (pt(2025, 12, 31, 21, 0), False),
    ],
)
def test_the_current_badge_decides_the_day_on_the_terms_calendar(client, world, at, current):
    assert at.date() != at.astimezone(ZoneInfo("America/Los_Angeles")).date()
    client.login(username="bob", password="pw")
    with clock.pinned(at):
        page = client.get("/portal/subscription/").content.decode()
    assert ('<span class="badge ok">current</span>' in page) is current


def test_a_refused_patch_request_shows_on_the_case_with_the_terms_reason(client, world):
    client.login(username="bob", password="pw")
    case = cs.open_case(world.bob, channel="web", subject="Scheduler crash")
    url = f"/portal/cases/{case.tracking_number}/"
    response = client.post(url + "patch/", {"summary": "Hotfix for the scheduler"})
    assert response.status_code == 400
    page = client.get(url).content.decode()
    timeline = re.search(r'<ul class="timeline" id="timeline">(.*?)</ul>', page, re.S)
    assert timeline is not None
    assert "Emergency patch refused" in timeline.group(1)
    assert escape(customers.patch_refusal(world.globex_sub)) in timeline.group(1)


@pytest.mark.django_db(transaction=True)  # real commits and rollbacks, as in production
def test_a_refused_reply_with_files_leaves_no_file_behind(alice_client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    case = cs.open_case(world.alice, channel="web", subject="x")
    upload = SimpleUploadedFile("trace.log", b"stack\n", content_type="text/plain")
    with refused_after_the_file():
        response = alice_client.post(
            f"/portal/cases/{case.tracking_number}/reply/",
            {"body": "the trace", "attachments": [upload]},
        )
    assert response.status_code == 400
    assert REFUSED_AFTER_THE_FILE in response.content.decode()
    assert files_in(settings.MEDIA_ROOT) == []
    assert not case.attachments.exists()
