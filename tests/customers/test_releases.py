"""Version support: supported, end of life, or not a production release."""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk.customers import services
from casedesk.customers.models import Release
from casedesk.customers.services import EntitlementError
from casedesk.terms import default_terms

TERMS = default_terms()
D = dt.date.fromisoformat


def test_a_release_is_supported_for_the_terms_window_after_ga(world):
    supported = world.releases["supported"]  # GA 2026-01-15, 18 months
    assert services.end_of_support(supported, TERMS) == D("2027-07-14")
    assert services.release_exclusion(supported, D("2026-01-15"), TERMS) is None
    assert services.release_exclusion(supported, D("2027-07-14"), TERMS) is None
    assert services.release_exclusion(supported, D("2027-07-15"), TERMS) == "d"
    assert services.release_support_note(supported, D("2026-06-01"), TERMS) == (
        "DC/OS 2.2.0 is supported until 2027-07-14."
    )


def test_the_catalogs_end_of_support_wins(world):
    eol = world.releases["eol"]
    assert services.release_exclusion(eol, D("2025-06-30"), TERMS) is None
    assert services.release_exclusion(eol, D("2025-07-01"), TERMS) == "d"
    assert services.release_support_note(eol, D("2026-06-01"), TERMS) == (
        "DC/OS 1.10.0 reached the end of support on 2025-06-30: exclusion (d) applies — "
        + TERMS.exclusion("d")
    )


def test_a_release_candidate_is_not_a_production_release(world):
    rc = world.releases["rc"]
    for on in ("2026-02-01", "2026-03-01", "2030-01-01"):
        assert services.release_exclusion(rc, D(on), TERMS) == "i"
    assert services.release_support_note(rc, D("2026-06-01"), TERMS) == (
        "DC/OS 2.3.0-rc1 is not a production release (a milestone or release candidate): "
        "exclusion (i) applies — " + TERMS.exclusion("i")
    )


def test_a_release_before_its_ga_date_is_not_yet_production(world):
    supported = world.releases["supported"]
    assert services.release_exclusion(supported, D("2026-01-14"), TERMS) == "i"
    assert services.release_support_note(supported, D("2026-01-14"), TERMS).startswith(
        "DC/OS 2.2.0 is not generally available until 2026-01-15: exclusion (i) applies"
    )


@pytest.mark.parametrize(
    ("ga", "months", "last"),
    [
        ("2024-08-31", 18, "2026-02-27"),
        ("2024-01-31", 1, "2024-02-28"),
        ("2025-12-01", 1, "2025-12-31"),
    ],
)
def test_the_window_clamps_to_month_ends(ga, months, last):
    terms = TERMS.model_copy(
        update={"versions": TERMS.versions.model_copy(update={"support_months_after_ga": months})}
    )
    assert services.end_of_support(Release(ga_on=D(ga)), terms) == D(last)


def test_the_catalog_refuses_duplicates_and_backwards_dates(world):
    with pytest.raises(EntitlementError) as exc:
        services.add_release(world.manager, product="DC/OS", version="2.2.0", ga_on=D("2026-01-01"))
    assert exc.value.message == "DC/OS 2.2.0 is already in the release catalog."
    with pytest.raises(EntitlementError) as exc:
        services.add_release(
            world.manager,
            product="DC/OS",
            version="9",
            ga_on=D("2026-01-01"),
            end_of_support_on=D("2025-01-01"),
        )
    assert exc.value.message == (
        "DC/OS 9: end of support (2025-01-01) is before its GA date (2026-01-01)."
    )
    with pytest.raises(EntitlementError) as exc:
        services.add_release(world.agent, product="DC/OS", version="9", ga_on=D("2026-01-01"))
    assert exc.value.message == (
        "Only support managers can change the release catalog; ask a support manager."
    )


def test_a_release_can_be_corrected(world):
    rc = services.update_release(
        world.manager,
        world.releases["rc"],
        ga_on=D("2026-03-01"),
        end_of_support_on=D("2026-12-31"),
        production=True,
    )
    rc.refresh_from_db()
    assert rc.production and services.release_exclusion(rc, D("2027-01-01"), TERMS) == "d"
