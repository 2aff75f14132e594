"""The admin, as a logged-in support manager: every refusal shows the service's message."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from casedesk.customers import services
from casedesk.customers.models import Customer, Release, Subscription, SupportContact
from casedesk.lib import clock
from tests.customers.helpers import AT, add_contacts, customer_with

pytestmark = pytest.mark.urls("tests.customers.urls")

LIMIT = "Premium, 120 nodes: at most 8 active contacts; 8 are active — deactivate one first"


@pytest.fixture
def manager_client(client, world):
    assert client.login(username="manager", password="pw")
    with clock.pinned(AT):
        yield client


def _value(value: Any) -> Any:
    if value is None or value is False:
        return None
    if value is True:
        return "on"
    return str(value)


def form_data(response) -> dict[str, str]:
    """The POST data of an admin change form as the browser would submit it unchanged."""
    data: dict[str, str] = {}

    def put(form, name):
        value = _value(form[name].value())
        if value is not None:
            data[form.add_prefix(name)] = value

    form = response.context["adminform"].form
    for name in form.fields:
        put(form, name)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = str(formset.management_form[name].value())
        for f in formset.forms:
            for name in f.fields:
                put(f, name)
    return data


def add_inline_contact(data: dict[str, str], name: str, email: str) -> None:
    n = int(data["contacts-TOTAL_FORMS"])
    data.update(
        {
            f"contacts-{n}-name": name,
            f"contacts-{n}-email": email,
            f"contacts-{n}-time_zone": "America/Los_Angeles",
            f"contacts-{n}-is_active": "on",
            "contacts-TOTAL_FORMS": str(n + 1),
        }
    )


def customer_page(client, customer):
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    return url, client.get(url)


def test_every_list_page_opens_and_searches(manager_client, world):
    for model in (
        "customer",
        "subscription",
        "supportcontact",
        "release",
        "quotaentry",
        "termsversion",
    ):
        url = reverse(f"admin:customers_{model}_changelist")
        assert manager_client.get(url).status_code == 200
        assert manager_client.get(url, {"q": "acme"}).status_code == 200
    page = manager_client.get(reverse("admin:customers_supportcontact_changelist"), {"q": "alice"})
    assert b"Alice Adams" in page.content and b"Bob Brown" not in page.content
    filtered = manager_client.get(
        reverse("admin:customers_subscription_changelist"),
        {"status": "current", "level": "standard"},
    )
    assert b"Globex" in filtered.content and b"Initech" not in filtered.content


def test_the_admin_is_closed_to_contacts_and_engineers(client, world):
    client.login(username="alice", password="pw")
    response = client.get(reverse("admin:customers_customer_changelist"))
    assert response.status_code == 302


def test_an_inline_contact_over_the_limit_shows_the_service_message(manager_client, world):
    add_contacts(world.manager, world.acme, 7)
    url, page = customer_page(manager_client, world.acme)
    data = form_data(page)
    add_inline_contact(data, "Nine", "nine@acme.example")
    response = manager_client.post(url, data)
    assert response.status_code == 200
    assert escape(LIMIT) in response.content.decode()
    assert not SupportContact.objects.filter(email="nine@acme.example").exists()


def test_an_inline_contact_within_the_limit_is_added_by_the_manager(manager_client, world):
    url, page = customer_page(manager_client, world.acme)
    data = form_data(page)
    add_inline_contact(data, "Dora", "Dora@acme.example")
    response = manager_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    dora = SupportContact.objects.get(email="dora@acme.example")
    assert (dora.added_by, dora.added_at, dora.events.get().kind) == (world.manager, AT, "added")


def test_deactivating_and_adding_in_one_save_stays_within_the_limit(manager_client, world):
    add_contacts(world.manager, world.acme, 7)
    url, page = customer_page(manager_client, world.acme)
    data = form_data(page)
    alice_row = next(k for k, v in data.items() if v == "alice@acme.example").rsplit("-", 1)[0]
    del data[f"{alice_row}-is_active"]
    add_inline_contact(data, "Erin", "erin@acme.example")
    response = manager_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    world.alice.refresh_from_db()
    assert not world.alice.is_active and world.alice.deactivated_by == world.manager
    assert world.acme.contacts.filter(is_active=True).count() == 8


def test_an_inline_reactivation_over_the_limit_is_refused(manager_client, world):
    services.deactivate_contact(world.manager, world.alice, AT)
    add_contacts(world.manager, world.acme, 8)
    url, page = customer_page(manager_client, world.acme)
    data = form_data(page)
    alice_row = next(k for k, v in data.items() if v == "alice@acme.example").rsplit("-", 1)[0]
    data[f"{alice_row}-is_active"] = "on"
    response = manager_client.post(url, data)
    assert escape(LIMIT) in response.content.decode()
    world.alice.refresh_from_db()
    assert not world.alice.is_active


def test_the_contact_page_refuses_over_the_limit_and_duplicates(manager_client, world):
    add_contacts(world.manager, world.acme, 7)
    url = reverse("admin:customers_supportcontact_add")
    data = {
        "customer": world.acme.pk,
        "name": "Nine",
        "email": "nine@acme.example",
        "time_zone": "UTC",
        "is_active": "on",
    }
    assert escape(LIMIT) in manager_client.post(url, data).content.decode()
    data.update(customer=world.globex.pk, email="bob@globex.example")
    assert (
        escape("bob@globex.example is already an active support contact of Globex (Bob Brown).")
        in manager_client.post(url, data).content.decode()
    )
    data.update(email="x@globex.example", time_zone="Mars/Base")
    assert (
        escape('"Mars/Base" is not an IANA time zone')
        in manager_client.post(url, data).content.decode()
    )


def test_the_contact_page_adds_deactivates_and_reactivates(manager_client, world):
    url = reverse("admin:customers_supportcontact_add")
    response = manager_client.post(
        url,
        {
            "customer": world.globex.pk,
            "name": "Gil",
            "email": "gil@globex.example",
            "time_zone": "UTC",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    gil = SupportContact.objects.get(email="gil@globex.example")
    change = reverse("admin:customers_supportcontact_change", args=[gil.pk])
    data = form_data(manager_client.get(change))
    del data["is_active"]
    assert manager_client.post(change, data).status_code == 302
    gil.refresh_from_db()
    assert not gil.is_active and gil.deactivated_by == world.manager
    page = manager_client.get(change)
    assert b"deactivated by manager" in page.content
    services.add_contact(world.manager, world.globex, name="Hal", email="hal@globex.example", at=AT)
    data["is_active"] = "on"
    response = manager_client.post(change, data)
    assert (
        escape("Standard, 50 nodes: at most 2 active contacts; 2 are active — deactivate one first")
        in response.content.decode()
    )


def test_the_transfer_page_hands_over_in_one_step(manager_client, world):
    change = reverse("admin:customers_supportcontact_change", args=[world.alice.pk])
    assert b"Transfer to another person" in manager_client.get(change).content
    url = reverse("admin:customers_supportcontact_transfer", args=[world.alice.pk])
    assert manager_client.get(url).status_code == 200
    response = manager_client.post(
        url, {"name": "Erin", "email": "erin@acme.example", "time_zone": "UTC"}
    )
    assert response.status_code == 302
    erin = SupportContact.objects.get(email="erin@acme.example")
    assert erin.replaces == world.alice
    again = manager_client.post(url, {"name": "F", "email": "f@acme.example", "time_zone": "UTC"})
    assert (
        escape(
            "Alice Adams is not an active contact, so there is nothing to transfer; add the new "
            "contact instead."
        )
        in again.content.decode()
    )


def test_the_subscription_page_shows_limit_quota_intake_and_patches(manager_client, world):
    services.charge_incident(world.agent, world.globex_sub, case_ref="CASE-1", at=AT)
    url = reverse("admin:customers_subscription_change", args=[world.globex_sub.pk])
    page = manager_client.get(url).content.decode()
    assert "1 of 2 active contacts (Standard, 50 nodes)" in page
    assert "1 of 10 used until 2027-01-01" in page
    assert escape("Yes, under the Standard subscription (until 2027-12-31)") in page
    assert escape(services.patch_refusal(world.globex_sub)) in page
    listing = manager_client.get(reverse("admin:customers_subscription_changelist")).content
    assert b"1 of 10 used until 2027-01-01" in listing


def test_lowering_nodes_in_the_admin_warns_and_keeps_contacts(manager_client, world):
    add_contacts(world.manager, world.acme, 7)
    url = reverse("admin:customers_subscription_change", args=[world.acme_sub.pk])
    data = form_data(manager_client.get(url))
    data["nodes"] = "100"
    response = manager_client.post(url, data, follow=True)
    content = response.content.decode()
    assert (
        escape(
            "8 of 4 active contacts (Premium, 100 nodes) — over the contact limit: deactivate 4 to "
            "resolve it. No contact was removed"
        )
        in content
    )
    world.acme_sub.refresh_from_db()
    assert world.acme_sub.nodes == 100
    assert world.acme.contacts.filter(is_active=True).count() == 8
    data["nodes"] = "0"
    response = manager_client.post(url, data)
    assert (
        escape("A subscription covers at least 1 node; 0 was given.") in response.content.decode()
    )


def test_the_subscription_page_shows_why_cases_are_refused(manager_client, world):
    url = reverse("admin:customers_subscription_change", args=[world.acme_sub.pk])
    data = form_data(manager_client.get(url))
    data["project_description"] = ""
    assert manager_client.post(url, data).status_code == 302
    page = manager_client.get(url).content.decode()
    assert (
        escape(
            "No — Acme's Premium subscription has no Customer Project/Application description; the "
            "terms make it a precondition for support"
        )
        in page
    )
    customer_url = reverse("admin:customers_customer_change", args=[world.acme.pk])
    assert escape("has no Customer Project/Application description") in (
        manager_client.get(customer_url).content.decode()
    )
    with clock.pinned(dt.datetime(2028, 1, 5, 17, tzinfo=dt.UTC)):
        page = manager_client.get(
            reverse("admin:customers_customer_change", args=[world.globex.pk])
        ).content.decode()
    assert escape("No — Globex's Standard subscription ended on 2027-12-31; renew it") in page


def test_adding_a_subscription_checks_level_and_term(manager_client, world):
    url = reverse("admin:customers_subscription_add")
    data = {
        "customer": world.acme.pk,
        "level": "gold",
        "nodes": "10",
        "starts_on": "2028-01-01",
        "ends_on": "2028-12-31",
        "project_description": "Renewal",
    }
    assert (
        escape(
            '"gold" is not a support level in terms 2026-01 (levels: signature, premium, standard).'
        )
        in manager_client.post(url, data).content.decode()
    )
    data.update(level="premium", ends_on="2027-12-31")
    assert (
        escape(
            "The term ends on 2027-12-31, before it starts on 2028-01-01; the end date is the last "
            "day of the term."
        )
        in manager_client.post(url, data).content.decode()
    )
    data.update(ends_on="2028-12-31")
    assert manager_client.post(url, data).status_code == 302
    sub = Subscription.objects.get(customer=world.acme, starts_on="2028-01-01")
    assert sub.terms_version.version == "2026-01" and sub.created_at == AT


def test_customers_are_added_and_checked_in_the_admin(manager_client, world):
    url = reverse("admin:customers_customer_add")
    response = manager_client.post(url, {"name": "Hooli", "slug": "hooli"})
    assert response.status_code == 302
    assert Customer.objects.get(slug="hooli").created_at == AT
    again = manager_client.post(url, {"name": "Hooli 2", "slug": "hooli"})
    assert (
        escape('A customer with the short name "hooli" already exists.') in again.content.decode()
    )


def test_releases_are_checked_in_the_admin(manager_client, world):
    url = reverse("admin:customers_release_add")
    data = {"product": "DC/OS", "version": "2.2.0", "ga_on": "2026-01-01", "production": "on"}
    assert escape("DC/OS 2.2.0 is already in the release catalog.") in (
        manager_client.post(url, data).content.decode()
    )
    data.update(version="3.0", end_of_support_on="2025-01-01")
    assert escape("DC/OS 3.0: end of support (2025-01-01) is before its GA date (2026-01-01).") in (
        manager_client.post(url, data).content.decode()
    )
    data.update(end_of_support_on="")
    assert manager_client.post(url, data).status_code == 302
    assert Release.objects.filter(version="3.0").exists()
    listing = manager_client.get(reverse("admin:customers_release_changelist")).content.decode()
    assert escape("DC/OS 1.10.0 reached the end of support on 2025-06-30") in listing


def test_the_release_list_judges_support_on_the_terms_calendar_day(manager_client, world):
    services.add_release(
        world.manager,
        product="DC/OS",
        version="2.1.0",
        ga_on=dt.date(2025, 3, 1),
        end_of_support_on=dt.date(2026, 3, 2),
    )
    # 02:00 UTC on 3 March is still 2 March in the terms' zone (Pacific): supported, as a case
    # opened now is judged.
    with clock.pinned(dt.datetime(2026, 3, 3, 2, 0, tzinfo=dt.UTC)):
        listing = manager_client.get(reverse("admin:customers_release_changelist"))
    assert "DC/OS 2.1.0 is supported until 2026-03-02." in listing.content.decode()


def test_the_ledger_is_read_only(manager_client, world):
    entry = services.charge_incident(world.agent, world.globex_sub, case_ref="CASE-1", at=AT)
    assert manager_client.get(reverse("admin:customers_quotaentry_add")).status_code == 403
    page = manager_client.get(reverse("admin:customers_quotaentry_change", args=[entry.pk]))
    assert page.status_code == 200 and b"CASE-1" in page.content


def test_the_status_filter_judges_today_on_the_terms_calendar(client, world):
    ending = services.create_customer(world.manager, name="Ending Co", slug="ending", at=AT)
    services.create_subscription(
        world.manager,
        ending,
        level="standard",
        nodes=5,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        project_description="Billing",
        at=AT,
    )
    assert client.login(username="manager", password="pw")
    url = reverse("admin:customers_subscription_changelist")
    # 20:00 PST on 31 Dec is already 1 Jan in UTC: the subscription is still current.
    with clock.pinned(dt.datetime(2027, 1, 1, 4, 0, tzinfo=dt.UTC)):
        current = client.get(url, {"status": "current"}).content.decode()
        expired = client.get(url, {"status": "expired"}).content.decode()
    assert "Ending Co" in current
    assert "Ending Co" not in expired


def _more_rows(manager: Any, n: int) -> None:
    """n more customers, each with a Standard subscription, contacts, a charged incident and a
    release: every column of every list page has something to read per row."""
    for i in range(n):
        customer, sub = customer_with(manager, f"extra{i}", level="standard")
        add_contacts(manager, customer, 2)
        services.charge_incident(manager, sub, case_ref=f"CASE-{900 + i}", at=AT)
        services.add_release(
            manager, product="casedesk", version=f"9.{i}", ga_on=dt.date(2026, 1, 1)
        )


@pytest.mark.parametrize("model", ["customer", "subscription", "supportcontact", "release"])
def test_it_reads_a_list_page_in_as_many_queries_for_many_rows(
    manager_client, world, model, django_assert_max_num_queries
):
    url = reverse(f"admin:customers_{model}_changelist")
    with CaptureQueriesContext(connection) as few:
        assert manager_client.get(url).status_code == 200
    _more_rows(world.manager, 4)
    with django_assert_max_num_queries(len(few)):
        page = manager_client.get(url)
    assert b"Extra3" in page.content or b"9.3" in page.content
