"""Who may open a case, under which subscription; subscription years; patches; terms versions."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from hypothesis import given
from hypothesis import strategies as st

from casedesk.customers import services
from casedesk.customers.models import Subscription, TermsVersion
from casedesk.customers.roles import contact_of, is_agent, is_manager
from casedesk.customers.services import EntitlementError
from casedesk.terms.document import default_terms_text
from tests.customers.helpers import AT, customer_with

PT = ZoneInfo("America/Los_Angeles")


def pt(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PT)


def test_an_active_contact_is_entitled_on_the_first_and_last_day(world):
    assert services.entitled_subscription(world.alice, pt(2026, 1, 1, 0, 0)) == world.acme_sub
    # 23:59 on the last day in Pacific Time is already the next day in UTC.
    assert services.entitled_subscription(world.alice, pt(2027, 12, 31, 23, 59)) == world.acme_sub


def test_an_expired_subscription_cannot_open_cases(world):
    with pytest.raises(EntitlementError) as exc:
        services.entitled_subscription(world.alice, pt(2028, 1, 1, 0, 0))
    assert exc.value.message == (
        "Acme's Premium subscription ended on 2027-12-31; renew it to open cases."
    )


def test_a_subscription_that_has_not_started_cannot_open_cases(world):
    with pytest.raises(EntitlementError) as exc:
        services.entitled_subscription(world.alice, pt(2025, 12, 31, 23, 59))
    assert exc.value.message == (
        "Acme's Premium subscription starts on 2026-01-01; cases can be opened from that day."
    )


def test_a_subscription_without_a_project_description_cannot_open_cases(world):
    services.set_project_description(world.manager, world.acme_sub, "  ")
    with pytest.raises(EntitlementError) as exc:
        services.entitled_subscription(world.alice, AT)
    assert exc.value.message == (
        "Acme's Premium subscription has no Customer Project/Application description; the "
        "terms make it a precondition for support — ask your account manager to add it under "
        "Admin › Subscriptions."
    )


def test_an_inactive_contact_cannot_open_cases(world):
    services.deactivate_contact(world.manager, world.alice, AT)
    with pytest.raises(EntitlementError) as exc:
        services.entitled_subscription(world.alice, AT)
    assert exc.value.message == (
        "Alice Adams is no longer a designated support contact of Acme since 2026-06-01; ask a "
        "support manager to reactivate them or to designate another contact."
    )


def test_a_customer_without_any_subscription_is_told_so(world):
    lone = services.create_customer(world.manager, name="Lone", slug="lone", at=AT)
    with pytest.raises(EntitlementError) as exc:
        services.customer_subscription(lone, AT)
    assert exc.value.message == (
        "Lone has no subscription; a support manager must add one before cases can be opened."
    )


def test_the_latest_current_subscription_with_a_description_is_used(world):
    renewal = services.create_subscription(
        world.manager,
        world.acme,
        level="signature",
        nodes=120,
        starts_on=dt.date(2026, 5, 1),
        ends_on=dt.date(2027, 4, 30),
        at=AT,
    )
    assert services.entitled_subscription(world.alice, AT) == world.acme_sub  # no description
    services.set_project_description(world.manager, renewal, "Payments")
    assert services.entitled_subscription(world.alice, AT) == renewal


def test_can_open_case_says_yes_and_under_what(world):
    assert services.can_open_case(world.alice.user, world.acme, AT) == (
        True,
        "Cases for Acme are opened under the Premium subscription (until 2027-12-31).",
    )
    assert services.can_open_case(world.bob.user, world.globex, AT)[0] is True
    assert services.can_open_case(world.agent, world.acme, AT)[0] is True
    assert services.can_open_case(world.manager, world.initech, AT)[0] is True


def test_can_open_case_refuses_another_customers_contact(world):
    assert services.can_open_case(world.alice.user, world.globex, AT) == (
        False,
        "alice is not a designated support contact of Globex; only its designated contacts can "
        "open cases — ask Globex's support contacts or a support manager.",
    )


def test_can_open_case_refuses_strangers_and_the_anonymous(world, django_user_model):
    stranger = django_user_model.objects.create_user("zed", password="pw")
    assert services.can_open_case(stranger, world.acme, AT)[0] is False
    assert services.can_open_case(AnonymousUser(), world.acme, AT) == (
        False,
        "Sign in as a designated support contact to open a case.",
    )
    assert services.can_open_case(None, world.acme, AT)[0] is False


def test_can_open_case_passes_on_the_subscription_refusal(world):
    late = pt(2028, 1, 2, 9, 0)
    expected = "Acme's Premium subscription ended on 2027-12-31; renew it to open cases."
    assert services.can_open_case(world.alice.user, world.acme, late) == (False, expected)
    assert services.can_open_case(world.agent, world.acme, late) == (False, expected)
    services.deactivate_contact(world.manager, world.alice, AT)
    ok, why = services.can_open_case(world.alice.user, world.acme, AT)
    assert not ok and why.startswith("Alice Adams is no longer a designated support contact")


# --- subscription years ------------------------------------------------------------------------


def _sub(starts_on: dt.date, ends_on: dt.date = dt.date(2040, 1, 1)) -> Subscription:
    return Subscription(starts_on=starts_on, ends_on=ends_on)


@pytest.mark.parametrize(
    ("start", "on", "year"),
    [
        ("2026-03-01", "2026-03-01", ("2026-03-01", "2027-02-28")),
        ("2026-03-01", "2027-02-28", ("2026-03-01", "2027-02-28")),  # last day of year 1
        ("2026-03-01", "2027-03-01", ("2027-03-01", "2028-02-29")),  # first day of year 2
        ("2024-02-29", "2025-02-27", ("2024-02-29", "2025-02-27")),
        ("2024-02-29", "2025-02-28", ("2025-02-28", "2026-02-27")),  # 28 Feb stands in
        ("2024-02-29", "2027-03-01", ("2027-02-28", "2028-02-28")),
        ("2024-02-29", "2028-02-28", ("2027-02-28", "2028-02-28")),
        ("2024-02-29", "2028-02-29", ("2028-02-29", "2029-02-27")),
        ("2026-01-01", "2025-06-01", ("2026-01-01", "2026-12-31")),  # before the term: year 1
    ],
)
def test_subscription_years_run_from_the_start_anniversary(start, on, year):
    got = services.subscription_year(_sub(dt.date.fromisoformat(start)), dt.date.fromisoformat(on))
    assert got == tuple(dt.date.fromisoformat(d) for d in year)


@given(
    start=st.dates(dt.date(2000, 1, 1), dt.date(2050, 12, 31)),
    offset=st.integers(0, 3650),
)
def test_subscription_years_tile_the_calendar(start, offset):
    on = start + dt.timedelta(days=offset)
    first, last = services.subscription_year(_sub(start), on)
    assert first <= on <= last
    assert 365 <= (last - first).days + 1 <= 366
    assert services.subscription_year(_sub(start), last + dt.timedelta(days=1))[0] == (
        last + dt.timedelta(days=1)
    )
    assert first.month == start.month


# --- emergency patches ----------------------------------------------------------------------


def test_emergency_patches_follow_the_level(world):
    assert services.patch_refusal(world.acme_sub) is None
    assert services.patch_refusal(world.initech_sub) is None
    assert services.patch_refusal(world.globex_sub) == (
        "Emergency patches are not included in the Standard level (terms 2026-01, Standard "
        "Level: “Emergency Patches: No”); they come with the Signature and Premium levels."
    )


# --- terms versions and roles ------------------------------------------------------------------


def test_the_configured_terms_are_stored_once(world):
    first = services.current_terms_version()
    assert services.terms_version_for(None) == first
    assert TermsVersion.objects.count() == 1
    assert first.version == "2026-01" and first.text == default_terms_text()
    assert world.acme_sub.terms_version == first
    assert world.acme_sub.terms.version == "2026-01"


def test_a_version_never_changes_its_text(world):
    changed = default_terms_text().replace("max_contacts = 8", "max_contacts = 9")
    with pytest.raises(EntitlementError) as exc:
        services.terms_version_for(changed)
    assert exc.value.message == (
        'Terms version "2026-01" is already stored with a different text; a version never '
        "changes once subscriptions may use it — publish the change under a new `version` string."
    )


def test_a_new_version_binds_new_subscriptions_only(world, settings, tmp_path):
    text = (
        default_terms_text()
        .replace('version = "2026-01"', 'version = "2027-01"')
        .replace("max_contacts = 8", "max_contacts = 9")
    )
    (tmp_path / "t.toml").write_text(text, encoding="utf-8")
    settings.CASEDESK_TERMS = str(tmp_path / "t.toml")
    customer, sub = customer_with(world.manager, "newco", nodes=120)
    assert sub.terms_version.version == "2027-01"
    assert sub.level_terms.contact_limit(120) == 9
    world.acme_sub.refresh_from_db()
    assert world.acme_sub.level_terms.contact_limit(120) == 8


def test_invalid_terms_text_is_refused(world):
    with pytest.raises(EntitlementError, match="^The terms are not valid: "):
        services.terms_version_for("version = ")


def test_a_subscription_needs_a_level_of_its_terms_and_a_sane_term(world):
    with pytest.raises(EntitlementError) as exc:
        customer_with(world.manager, "goldco", level="gold")
    assert exc.value.message == (
        '"gold" is not a support level in terms 2026-01 (levels: signature, premium, standard).'
    )
    with pytest.raises(EntitlementError) as exc:
        customer_with(world.manager, "backco", ends_on=dt.date(2025, 12, 31))
    assert exc.value.message == (
        "The term ends on 2025-12-31, before it starts on 2026-01-01; the end date is the last "
        "day of the term."
    )


def test_roles(world):
    assert is_agent(world.agent) and not is_manager(world.agent)
    assert is_agent(world.manager) and is_manager(world.manager)
    assert not is_agent(world.alice.user) and not is_manager(world.alice.user)
    assert contact_of(world.alice.user) == world.alice
    assert contact_of(world.agent) is None
    assert contact_of(AnonymousUser()) is None
    services.deactivate_contact(world.manager, world.alice, AT)
    assert contact_of(world.alice.user) == world.alice
