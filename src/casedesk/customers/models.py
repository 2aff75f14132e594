"""Customers, their subscriptions and designated contacts, the release catalog, the quota ledger.

Models hold data and read-only derivations; every write goes through `customers.services`.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from casedesk.lib.tz import local_date
from casedesk.terms import Level, Terms, parse_terms

# Parsed terms per version string. A stored version's text never changes (services refuse a
# different text under an existing version), so the cache needs no invalidation.
_PARSED: dict[str, Terms] = {}

DEFAULT_TIME_ZONE = "America/Los_Angeles"


def validate_time_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            f'"{value}" is not an IANA time zone (e.g. "Europe/Berlin", "America/New_York")'
        ) from None


class TermsVersion(models.Model):
    version = models.CharField(max_length=100, unique=True)
    text = models.TextField(help_text="The terms document (TOML) exactly as signed.")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"terms {self.version}"

    @property
    def terms(self) -> Terms:
        parsed = _PARSED.get(self.version)
        if parsed is None:
            parsed = _PARSED[self.version] = parse_terms(self.text, f"terms {self.version}")
        return parsed


class Customer(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Subscription(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="subscriptions")
    level = models.CharField(max_length=50, help_text='The level key in the terms, e.g. "premium".')
    nodes = models.PositiveIntegerField()
    starts_on = models.DateField(help_text="First day of the term.")
    ends_on = models.DateField(help_text="Last day of the term (inclusive).")
    terms_version = models.ForeignKey(
        TermsVersion, on_delete=models.PROTECT, related_name="subscriptions"
    )
    project_description = models.TextField(
        blank=True,
        verbose_name="Customer Project/Application description",
        help_text="Required by the terms before any case can be opened.",
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["customer__name", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="subscription_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(nodes__gte=1), name="subscription_nodes_positive"),
        ]
        indexes = [
            # entitled_subscription(): a customer's subscriptions valid on a date.
            models.Index(fields=["customer", "starts_on", "ends_on"], name="subscription_term"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.level_name} {self.starts_on}–{self.ends_on}"

    @property
    def terms(self) -> Terms:
        return self.terms_version.terms

    @property
    def level_terms(self) -> Level:
        return self.terms.level(self.level)

    @property
    def level_name(self) -> str:
        level = self.terms.levels.get(self.level)
        return level.name if level else self.level

    def local_date(self, at: dt.datetime) -> dt.date:
        """The date of `at` in the terms' calendar time zone."""
        return local_date(at, self.terms.calendar.timezone)

    def status_on(self, on: dt.date) -> str:
        if on < self.starts_on:
            return "not started"
        if on > self.ends_on:
            return "expired"
        return "current"


class SupportContact(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_contact",
        help_text="The login this person uses in the portal (optional).",
    )
    name = models.CharField(max_length=200)
    email = models.EmailField()
    time_zone = models.CharField(
        max_length=64, default=DEFAULT_TIME_ZONE, validators=[validate_time_zone]
    )
    is_active = models.BooleanField(default=True)
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deactivated_at = models.DateTimeField(null=True, blank=True)
    deactivated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deactivation_reason = models.CharField(max_length=300, blank=True)
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaced_by",
        help_text="The contact this one took over from (a transfer).",
    )

    class Meta:
        ordering = ["customer__name", "-is_active", "name"]
        constraints = [
            # One active contact per address per customer: mail intake maps a sender to a contact.
            models.UniqueConstraint(
                fields=["customer", "email"],
                condition=Q(is_active=True),
                name="contact_one_active_per_email",
            ),
        ]

    def __str__(self) -> str:
        state = "" if self.is_active else " (inactive)"
        return f"{self.name} <{self.email}>{state}"


class Release(models.Model):
    product = models.CharField(max_length=100)
    version = models.CharField(max_length=100)
    ga_on = models.DateField(verbose_name="GA date")
    end_of_support_on = models.DateField(
        null=True,
        blank=True,
        help_text="Last supported day; empty = GA date plus the terms' support window.",
    )
    production = models.BooleanField(
        default=True, help_text="Unticked for a milestone or release candidate."
    )

    class Meta:
        ordering = ["product", "-ga_on"]
        constraints = [
            models.UniqueConstraint(fields=["product", "version"], name="release_unique"),
            models.CheckConstraint(
                condition=Q(end_of_support_on__isnull=True) | Q(end_of_support_on__gte=F("ga_on")),
                name="release_support_after_ga",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.version}"


class QuotaEntry(models.Model):
    class Kind(models.TextChoices):
        CHARGE = "charge", "charge"
        REFUND = "refund", "refund"
        OVERRIDE = "override", "charge over the quota (override)"

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="quota_entries"
    )
    year_start = models.DateField(help_text="First day of the subscription year charged.")
    case_ref = models.CharField(max_length=50)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The n-th charge of this case in this year (a refunded case can be charged again); a refund
    # carries the number of the charge it cancels. Unique per kind group, so a case is never
    # charged twice concurrently, on SQLite as on PostgreSQL.
    occurrence = models.PositiveSmallIntegerField(default=1)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "quota entries"
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "year_start", "case_ref", "occurrence"],
                condition=~Q(kind="refund"),
                name="quota_one_charge_per_occurrence",
            ),
            models.UniqueConstraint(
                fields=["subscription", "year_start", "case_ref", "occurrence"],
                condition=Q(kind="refund"),
                name="quota_one_refund_per_occurrence",
            ),
        ]
        indexes = [
            # quota_status(): entries of one subscription year.
            models.Index(fields=["subscription", "year_start"], name="quota_year"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.case_ref} ({self.year_start})"


class ContactEvent(models.Model):
    """History of a designated contact: added, deactivated, reactivated (append-only)."""

    class Kind(models.TextChoices):
        ADDED = "added", "added"
        DEACTIVATED = "deactivated", "deactivated"
        REACTIVATED = "reactivated", "reactivated"

    contact = models.ForeignKey(SupportContact, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.contact.name} {self.kind} {self.at:%Y-%m-%d}"


class DescriptionChange(models.Model):
    """History of a subscription's Project/Application description: who, when, old → new."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="description_changes"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The actor's name as shown then: a contact's login may later be removed.
    actor_name = models.CharField(max_length=200)
    old_text = models.TextField(blank=True)
    new_text = models.TextField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.subscription} description by {self.actor_name} {self.at:%Y-%m-%d}"


class ContactRequest(models.Model):
    """A designated contact's request to transfer their role or add a colleague (issue 17),
    decided by a support manager; the record keeps who asked, who decided, and when."""

    class Kind(models.TextChoices):
        TRANSFER = "transfer", "transfer my role"
        ADD = "add", "add a colleague"

    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        APPROVED = "approved", "approved"
        DECLINED = "declined", "declined"

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="contact_requests"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    requested_by = models.ForeignKey(SupportContact, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    note = models.TextField(blank=True)
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=500, blank=True)
    new_contact = models.ForeignKey(
        SupportContact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "requested_at"], name="contact_request_status")]

    def __str__(self) -> str:
        return f"{self.customer}: {self.get_kind_display()} → {self.name} ({self.status})"
