"""A case that starts at a quota severity (terms: channels.*.initial_severity = 2) is an incident
charged like a raised one; with the quota used up it opens one step lower, nothing lost."""

from __future__ import annotations

import pytest

from casedesk.cases import services as cs
from casedesk.cases.models import EventKind, SeverityRequest
from casedesk.customers import services as customers
from casedesk.customers.models import QuotaEntry
from casedesk.lib import clock
from casedesk.terms.document import default_terms_text
from tests.conftest import run_cli
from tests.world import SETUP_AT, TERM

from .helpers import pt

pytestmark = pytest.mark.django_db

MON_10 = pt(2026, 6, 1, 10, 0)


def _terms_text(web: int = 2, email: int = 2) -> str:
    text = default_terms_text().replace('version = "2026-01"', 'version = "2026-01-sev2"')
    text = text.replace("initial_severity = 3", f"initial_severity = {web}")
    return text.replace("initial_severity = 4", f"initial_severity = {email}")


def _contact(world, level: str, slug: str):
    version = customers.terms_version_for(_terms_text())
    org = customers.create_customer(world.manager, name=slug.title(), slug=slug, at=SETUP_AT)
    sub = customers.create_subscription(
        world.manager,
        org,
        level=level,
        nodes=10,
        starts_on=TERM[0],
        ends_on=TERM[1],
        project_description="Billing on DC/OS",
        at=SETUP_AT,
        terms_version=version,
    )
    contact = customers.add_contact(
        world.manager, org, name="Dana Doe", email=f"dana@{slug}.example", at=SETUP_AT
    )
    return sub, contact


def _use_up(world, sub) -> None:
    for n in range(10):
        customers.charge_incident(world.agent, sub, case_ref=f"OLD-{n}", at=pt(2026, 5, 1, 10, n))


def test_terms_check_accepts_initial_severity_2(tmp_path):
    path = tmp_path / "terms.toml"
    path.write_text(_terms_text(), encoding="utf-8")
    result = run_cli("terms", "check", str(path))
    assert result.returncode == 0, result.stderr
    assert "valid terms 2026-01-sev2" in result.stdout


@pytest.mark.parametrize("channel", ["web", "email"])
def test_a_case_opened_at_severity_2_is_charged_to_the_standard_quota(world, channel):
    sub, contact = _contact(world, "standard", "umbrella")
    case = cs.open_case(contact, channel=channel, subject="Orders fail", received_at=MON_10)
    assert case.severity == 2
    entry = QuotaEntry.objects.get(subscription=sub)
    assert (entry.case_ref, entry.kind, entry.at) == (case.tracking_number, "charge", MON_10)
    charged = case.events.get(kind=EventKind.QUOTA_CHARGED)
    assert charged.public is False
    assert charged.data == {"severity": 2, "quota": "1 of 10 used until 2027-01-01"}
    # Raising it later charges nothing more: an incident is charged once.
    with clock.pinned(pt(2026, 6, 1, 11, 0)):
        cs.change_severity(world.agent, case, 1, "Everything is down.")
    assert QuotaEntry.objects.filter(subscription=sub).count() == 1


def test_a_case_opened_at_severity_2_charges_nothing_on_unlimited_levels(world):
    sub, contact = _contact(world, "premium", "umbrella")
    case = cs.open_case(contact, channel="web", subject="Orders fail", received_at=MON_10)
    assert case.severity == 2
    assert not QuotaEntry.objects.filter(subscription=sub).exists()
    assert not case.events.filter(kind=EventKind.QUOTA_CHARGED).exists()


def test_with_the_quota_used_up_the_case_opens_at_3_and_keeps_severity_2_as_a_request(world):
    sub, contact = _contact(world, "standard", "umbrella")
    _use_up(world, sub)
    case = cs.open_case(contact, channel="web", subject="Orders fail", received_at=MON_10)
    assert case.severity == 3
    assert case.is_open
    assert (case.requested_severity, case.severity_request) == (2, SeverityRequest.PENDING)
    assert not QuotaEntry.objects.filter(case_ref=case.tracking_number).exists()
    kinds = list(case.events.values_list("kind", "public"))
    assert kinds == [
        (EventKind.RECEIVED, True),
        (EventKind.QUOTA_REFUSED, False),
        (EventKind.SEVERITY_REQUESTED, True),
    ]
    refused = case.events.get(kind=EventKind.QUOTA_REFUSED)
    assert refused.data == {
        "requested": 2,
        "opened_at": 3,
        "quota": "10 of 10 used until 2027-01-01",
    }
    assert refused.reason == (
        "Umbrella's Standard subscription has used its Severity 1/2 incidents: 10 of 10 used "
        "until 2027-01-01; a support engineer can override with a reason."
    )
    request = case.events.get(kind=EventKind.SEVERITY_REQUESTED)
    assert request.reason == (
        "This case would start at Severity 2, but the subscription's Severity 1/2 incidents are "
        "used up (10 of 10 used until 2027-01-01). It is opened at Severity 3; a support engineer "
        "will confirm Severity 2 (an override of the quota) or decline it."
    )
    # An engineer who overrides the quota and sets Severity 2 answers the request.
    with clock.pinned(pt(2026, 6, 1, 10, 30)):
        case = cs.change_severity(
            world.agent, case, 2, "Production outage.", override_quota_reason="Renewal agreed"
        )
    assert case.severity_request == SeverityRequest.CONFIRMED
    assert QuotaEntry.objects.get(case_ref=case.tracking_number).kind == "override"


def test_with_the_quota_used_up_a_request_for_1_stays_the_pending_request(world):
    sub, contact = _contact(world, "standard", "umbrella")
    _use_up(world, sub)
    case = cs.open_case(
        contact, channel="web", subject="Down", requested_severity=1, received_at=MON_10
    )
    assert (case.severity, case.requested_severity) == (3, 1)
    assert case.severity_request == SeverityRequest.PENDING
