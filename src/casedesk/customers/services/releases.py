"""The release catalog and version support: supported, unsupported, or not a production release.

A release is supported from its GA date through `end_of_support_on` (inclusive) or, when the
catalog gives none, through the day before GA + `versions.support_months_after_ga` months (a
terms setting: the seed's "Version Support" section is cut off). Before GA a release is not yet
a production release. Unsupported and non-production releases are flagged, never rejected.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from casedesk.terms import Terms

from ..models import Release
from .errors import EntitlementError, require_manager


def _add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def end_of_support(release: Release, terms: Terms) -> dt.date:
    """The last day `release` is supported under `terms`."""
    if release.end_of_support_on is not None:
        return release.end_of_support_on
    return _add_months(release.ga_on, terms.versions.support_months_after_ga) - dt.timedelta(days=1)


def release_exclusion(release: Release, on: dt.date, terms: Terms) -> str | None:
    """The exclusion code that applies to a case about `release` on `on`, or None."""
    if not release.production or on < release.ga_on:
        return terms.versions.non_production_exclusion
    if on > end_of_support(release, terms):
        return terms.versions.unsupported_exclusion
    return None


def _why_excluded(release: Release, on: dt.date, terms: Terms) -> str:
    if not release.production:
        return f"{release} is not a production release (a milestone or release candidate)"
    if on < release.ga_on:
        return f"{release} is not generally available until {release.ga_on}"
    return f"{release} reached the end of support on {end_of_support(release, terms)}"


def release_support_note(release: Release, on: dt.date, terms: Terms) -> str:
    """One sentence for the agent: supported until when, or which exclusion applies and why."""
    code = release_exclusion(release, on, terms)
    if code is None:
        return f"{release} is supported until {end_of_support(release, terms)}."
    why = _why_excluded(release, on, terms)
    return f"{why}: exclusion ({code}) applies — {terms.exclusion(code)}"


def release_warnings(releases: Iterable[Release], on: dt.date, terms: Terms) -> dict[int, str]:
    """Issue 17: for each release a contact may choose that falls under an exclusion, the
    warning shown before the case is sent (keyed by release id). The case is accepted anyway."""
    warnings = {}
    for release in releases:
        code = release_exclusion(release, on, terms)
        if code is not None:
            warnings[release.pk] = (
                f"{_why_excluded(release, on, terms)}. Your terms exclude it from support, "
                f"exclusion ({code}): “{terms.exclusion(code)}” The case is still accepted; "
                "an engineer will say what support applies."
            )
    return warnings


def check_release_fields(
    *, product: str, version: str, ga_on: dt.date, end_of_support_on: dt.date | None
) -> None:
    if not product.strip() or not version.strip():
        raise EntitlementError("A release needs a product and a version.")
    if end_of_support_on is not None and end_of_support_on < ga_on:
        raise EntitlementError(
            f"{product} {version}: end of support ({end_of_support_on}) is before its GA date "
            f"({ga_on})."
        )


def check_release_free(product: str, version: str) -> None:
    if Release.objects.filter(product=product, version=version).exists():
        raise EntitlementError(f"{product} {version} is already in the release catalog.")


def add_release(
    actor: Any,
    *,
    product: str,
    version: str,
    ga_on: dt.date,
    end_of_support_on: dt.date | None = None,
    production: bool = True,
) -> Release:
    require_manager(actor, "change the release catalog")
    product, version = product.strip(), version.strip()
    check_release_fields(
        product=product, version=version, ga_on=ga_on, end_of_support_on=end_of_support_on
    )
    check_release_free(product, version)
    try:
        with transaction.atomic():
            return Release.objects.create(
                product=product,
                version=version,
                ga_on=ga_on,
                end_of_support_on=end_of_support_on,
                production=production,
            )
    except IntegrityError:
        raise EntitlementError(f"{product} {version} is already in the release catalog.") from None


def update_release(
    actor: Any,
    release: Release,
    *,
    ga_on: dt.date,
    end_of_support_on: dt.date | None,
    production: bool,
) -> Release:
    require_manager(actor, "change the release catalog")
    check_release_fields(
        product=release.product,
        version=release.version,
        ga_on=ga_on,
        end_of_support_on=end_of_support_on,
    )
    release.ga_on, release.end_of_support_on, release.production = (
        ga_on,
        end_of_support_on,
        production,
    )
    release.save(update_fields=["ga_on", "end_of_support_on", "production"])
    return release
