"""Cases and their append-only history. Only casedesk.cases.services writes these."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.db.models.expressions import RawSQL
from django.utils.crypto import constant_time_compare, salted_hmac


class Channel(models.TextChoices):
    WEB = "web", "Web form"
    EMAIL = "email", "E-mail"
    API = "api", "API"


class Status(models.TextChoices):
    NEW = "new", "New"
    TRIAGED = "triaged", "Triaged"
    WAITING = "waiting", "Waiting on customer"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    EXCLUDED = "excluded", "Closed as out of scope"
    # Fixed in a release that is not generally available yet: resolved when it is (issue 16).
    FIX_SCHEDULED = "scheduled", "Fix scheduled"


# A fix-scheduled case is still open: the customer may reply, and nothing is resolved yet.
OPEN_STATUSES = (Status.NEW, Status.TRIAGED, Status.WAITING, Status.FIX_SCHEDULED)
DONE_STATUSES = (Status.RESOLVED, Status.CLOSED, Status.EXCLUDED)


def is_open_sql() -> RawSQL:
    """`status IN ('new', 'triaged', 'waiting', 'scheduled')` with the values written out, for `.filter()`.

    The queue's partial index (`case_open_queue`) has exactly this condition. SQLite uses a
    partial index only when the query states its condition literally; Django binds `status__in`
    values as parameters, and the queue then scanned the whole table (33 ms at 100,000 cases).
    """
    values = ", ".join(f"'{s.value}'" for s in OPEN_STATUSES)  # constants, not input
    column = f"{connection.ops.quote_name('cases_case')}.{connection.ops.quote_name('status')}"
    return RawSQL(f"{column} IN ({values})", (), output_field=models.BooleanField())  # noqa: S611


class Outcome(models.TextChoices):
    PENDING = "", "Pending"
    MET = "met", "Met"
    BREACHED = "breached", "Breached"
    NO_TARGET = "no_target", "Reasonable efforts"


class SeverityRequest(models.TextChoices):
    NONE = "", "None"
    PENDING = "pending", "Awaiting confirmation"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined"


class CaseKind(models.TextChoices):
    """The seed's scope of support (DESIGN.md §1 "After the first response")."""

    QUESTION = "question", "Question (use, configuration, operation)"
    PROBLEM = "problem", "Problem (diagnosis of an error)"
    FAILURE_RECOVERY = "failure_recovery", "Failure recovery"
    BUG_FIX = "bug_fix", "Bug fix (patch or workaround)"
    ENHANCEMENT = "enhancement", "Enhancement request"
    DOCUMENTATION = "documentation", "Documentation error"
    UNKNOWN = "unknown", "Not known yet"


class Environment(models.TextChoices):
    """Severity 1 and 2 are defined for a Production Environment."""

    PRODUCTION = "production", "Production"
    NON_PRODUCTION = "non_production", "Not production (test, staging, development)"
    UNKNOWN = "unknown", "Not known yet"


class Resolution(models.TextChoices):
    """How a case was resolved."""

    NONE = "", "Not resolved"
    ANSWERED = "answered", "Answered"
    WORKAROUND = "workaround", "Workaround"
    PATCH_DELIVERED = "patch_delivered", "Patch delivered"
    FIXED_IN_RELEASE = "fixed_in_release", "Fixed in release"
    NOT_REPRODUCIBLE = "not_reproducible", "Not reproducible"
    DUPLICATE = "duplicate", "Duplicate"
    EXCLUDED = "excluded", "Excluded (out of scope)"
    # Not an engineer's choice: the terms' automatic resolution after the customer's silence.
    NO_REPLY = "no_reply", "No reply from the customer"


class Case(models.Model):
    number = models.PositiveBigIntegerField(unique=True)
    tracking_number = models.CharField(max_length=32, unique=True)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="cases"
    )
    subscription = models.ForeignKey(
        "customers.Subscription", on_delete=models.PROTECT, related_name="cases"
    )
    contact = models.ForeignKey(
        "customers.SupportContact", on_delete=models.PROTECT, related_name="cases"
    )
    # The level and terms at receipt: a later upgrade does not rewrite this case's SLA.
    level = models.CharField(max_length=40)
    terms_version = models.ForeignKey("customers.TermsVersion", on_delete=models.PROTECT)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    subject = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    product = models.CharField(max_length=100, blank=True)
    version = models.CharField(max_length=50, blank=True)
    release = models.ForeignKey(
        "customers.Release", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version_exclusion = models.CharField(max_length=10, blank=True)
    requested_severity = models.PositiveSmallIntegerField(null=True, blank=True)
    severity_request = models.CharField(
        max_length=10, choices=SeverityRequest.choices, default=SeverityRequest.NONE, blank=True
    )
    severity = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField()
    # Derived from the events; `casedesk sla verify` recomputes and compares them.
    response_deadline = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    response_outcome = models.CharField(
        max_length=10, choices=Outcome.choices, default=Outcome.PENDING, blank=True
    )
    lowered_before_response = models.BooleanField(default=False)
    # Effort after the first response (cases.effort), derived from the events too: the last
    # engineer activity, when the case goes (went) quiet without more, when a public update is
    # due under the terms' update targets. NULL: not applicable (no response yet, closed,
    # waiting on the customer, no interval or target).
    last_activity_at = models.DateTimeField(null=True, blank=True)
    quiet_at = models.DateTimeField(null=True, blank=True)
    update_due_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    exclusion_code = models.CharField(max_length=10, blank=True)
    follows = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups"
    )
    updated_at = models.DateTimeField()
    # Issue 16: what the case is about and where; "unknown" until someone says (mail).
    kind = models.CharField(
        max_length=20, choices=CaseKind.choices, default=CaseKind.UNKNOWN, db_default="unknown"
    )
    environment = models.CharField(
        max_length=20,
        choices=Environment.choices,
        default=Environment.UNKNOWN,
        db_default="unknown",
    )
    # How it was resolved; the release, patch or case it was resolved with.
    resolution = models.CharField(
        max_length=20, choices=Resolution.choices, default="", db_default="", blank=True
    )
    resolution_release = models.ForeignKey(
        "customers.Release",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resolved_cases",
    )
    resolution_patch = models.ForeignKey(
        "PatchRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    # Issue 18: the support group that owns the case (routing rules, or an engineer's choice).
    group = models.ForeignKey(
        "cases.SupportGroup",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        db_index=False,  # `case_grouped` below
    )

    class Meta:
        indexes = [
            models.Index(fields=["status", "response_deadline"], name="case_queue"),
            # The queue's page in its own order, over open cases only (~7 % of the table): a page
            # reads its 50 rows from here instead of sorting every open case (`console.queue`).
            models.Index(
                fields=["response_deadline", "received_at", "id"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="case_open_queue",
            ),
            # The "severity requests" lane: the few cases with a request waiting, in queue order.
            models.Index(
                fields=["response_deadline", "received_at", "id"],
                condition=models.Q(severity_request="pending"),
                name="case_severity_requests",
            ),
            # A customer's case list (portal, API), newest first; `id` breaks ties for the cursor.
            models.Index(fields=["customer", "-received_at", "-id"], name="case_customer_recent"),
            # Every case newest first (the engineers' API list), read a page at a time.
            models.Index(fields=["-received_at", "-id"], name="case_recent"),
            # The console's quiet lane: `quiet_at <= now ORDER BY quiet_at` (NULL when closed).
            models.Index(fields=["quiet_at"], name="case_quiet"),
            # The queue's update-due column and the update-late filter.
            models.Index(fields=["update_due_at"], name="case_update_due"),
            # The queue's "My groups" (`group_id = ?`): grouped cases only. A full index on the
            # column, NULL for most cases, looked useless to SQLite's statistics (it scanned).
            models.Index(
                fields=["group"], condition=models.Q(group__isnull=False), name="case_grouped"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_number} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class EventKind(models.TextChoices):
    RECEIVED = "received", "Received"
    SEVERITY_REQUESTED = "severity_requested", "Severity requested"
    SEVERITY_CHANGED = "severity_changed", "Severity changed"
    SEVERITY_DECLINED = "severity_declined", "Severity request declined"
    REPLIED = "replied", "Replied"
    CUSTOMER_REPLIED = "customer_replied", "Customer replied"
    NOTE = "note", "Internal note"
    STATUS_CHANGED = "status_changed", "Status changed"
    ASSIGNED = "assigned", "Assigned"
    EXCLUDED = "excluded", "Closed as out of scope"
    REOPENED = "reopened", "Reopened"
    PATCH_REQUESTED = "patch_requested", "Emergency patch requested"
    PATCH_REFUSED = "patch_refused", "Emergency patch refused"
    PATCH_DELIVERED = "patch_delivered", "Emergency patch delivered"
    QUOTA_CHARGED = "quota_charged", "Incident charged to quota"
    QUOTA_OVERRIDDEN = "quota_overridden", "Quota overridden"
    QUOTA_REFUSED = "quota_refused", "Raise refused: quota used up"
    CLASSIFIED = "classified", "Kind or environment set"
    INFO_REQUESTED = "info_requested", "Information requested"
    REMINDED = "reminded", "Customer reminded"
    RESOLVED = "resolved", "Resolved"
    FIX_RELEASED = "fix_released", "Fix released"
    # Issue 18: linking and merging (cases.services.links, cases.services.merge).
    MERGED = "merged", "Merged from another case"
    LINKED = "linked", "Linked to another case"
    UNLINKED = "unlinked", "Link to another case removed"
    QUOTA_REFUNDED = "quota_refunded", "Incident refunded to quota"
    GROUPED = "grouped", "Group changed"


class CaseEvent(models.Model):
    """One line of a case's history. Never updated or deleted (a trigger enforces it on PostgreSQL)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Who acted, as shown to people: a contact without a login, "system", an agent's name.
    actor_label = models.CharField(max_length=200)
    at = models.DateTimeField()
    public = models.BooleanField(default=True)
    body = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    # RFC 5322 Message-ID of the mail that carried (or announced) this event, for threading.
    message_id = models.CharField(max_length=300, blank=True, db_index=True)
    # A keyed digest of the content as recorded (`content_digest`), so `sla verify` can tell an
    # event edited after the fact. NULL: recorded before digests existed (and nullable so that
    # SQLite adds the column in place, keeping the append-only triggers).
    digest = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            # The report's severity changes (~2 % of events) without reading every event.
            models.Index(
                fields=["case"],
                condition=models.Q(kind="severity_changed"),
                name="event_severity_changed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def content_digest(self, secret: str | bytes | None = None) -> str:
        """HMAC-SHA256 (keyed by the secret key) over everything the event says."""
        content = [
            self.case_id if self.case_id is not None else self.case.pk,
            self.kind,
            self.actor_id,
            self.actor_label,
            self.at.astimezone(dt.UTC).isoformat(),
            self.public,
            self.body,
            self.reason,
            self.data,
            self.message_id,
        ]
        text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return salted_hmac(
            "casedesk.cases.CaseEvent", text, secret=secret, algorithm="sha256"
        ).hexdigest()

    def edited_after_the_fact(self) -> bool:
        """True when the stored content no longer matches its digest under any known key."""
        if not self.digest:
            return False  # recorded before digests: nothing to tell
        keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
        return not any(constant_time_compare(self.digest, self.content_digest(key)) for key in keys)


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    event = models.ForeignKey(
        CaseEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(upload_to="cases/%Y/%m/")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=150)
    size = models.PositiveBigIntegerField()
    public = models.BooleanField(default=True)
    uploaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class PatchRequest(models.Model):
    class State(models.TextChoices):
        REQUESTED = "requested", "Requested"
        DELIVERED = "delivered", "Delivered"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="patch_requests")
    state = models.CharField(max_length=10, choices=State.choices, default=State.REQUESTED)
    summary = models.TextField()
    requested_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivery_note = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"patch for {self.case_id} ({self.state})"


class TrackingCounter(models.Model):
    """SQLite's tracking-number counter (PostgreSQL uses a sequence instead)."""

    name = models.CharField(max_length=20, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class InfoRequest(models.Model):
    """What an engineer asked the customer for: a checklist the case keeps until answered.

    `next_due_at` is when the waiting watch must look at it next (a reminder, or the automatic
    resolution); NULL when nothing is due. The watch finds what is due through its index.
    """

    class State(models.TextChoices):
        OPEN = "open", "Waiting for the customer"
        ANSWERED = "answered", "Answered"
        CLOSED = "closed", "Closed with the case"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="info_requests")
    items = models.JSONField(default=list)
    asked_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    answered_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    next_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["next_due_at"], name="info_request_next_due")]

    def __str__(self) -> str:
        return f"request on {self.case_id} ({self.state})"


class WaitingNotice(models.Model):
    """A reminder or automatic resolution sent for a request: the unique key makes each once."""

    request = models.ForeignKey(InfoRequest, on_delete=models.PROTECT, related_name="notices")
    step = models.CharField(max_length=20)  # "reminder1", "reminder2"..., "auto_resolved"
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "step"], name="waiting_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.step} for {self.request_id}"


class CaseLink(models.Model):
    """Two cases an engineer linked (issue 18). Symmetric: stored once, lower id first, and
    shown on both cases. Related cases may belong to different customers (engineers only)."""

    class Kind(models.TextChoices):
        RELATED = "related", "Related"
        DUPLICATE = "duplicate", "Possible duplicate"

    low = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    high = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.RELATED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            # One link per pair, whichever case it was made from (the ids are stored in order).
            models.UniqueConstraint(fields=["low", "high"], name="case_link_once"),
            models.CheckConstraint(
                condition=models.Q(low__lt=models.F("high")), name="case_link_ordered"
            ),
        ]
        indexes = [
            # A case's links where it is the higher id (the unique index serves `low`).
            models.Index(fields=["high"], name="case_link_high"),
        ]

    def __str__(self) -> str:
        return f"{self.low_id} {self.kind} {self.high_id}"


# -- issue 18: support groups -------------------------------------------------------------------
# Engineers who own a product or a kind of case, and the rules that route new cases to them.
# Operators manage them in the Django admin; casedesk.cases.services.groups routes, takes and
# assigns.


class SupportGroup(models.Model):
    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    members: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="GroupMember", related_name="support_groups"
    )
    # Round-robin: a routed case goes to the next member on shift after the last one given one.
    round_robin = models.BooleanField(
        default=False,
        help_text="Assign each case routed here to the next member on shift, in turn.",
    )
    last_assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GroupMember(models.Model):
    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships"
    )
    # "On shift": an active member flagged available gets round-robin cases; off shift, none.
    available = models.BooleanField(
        default=True, help_text="On shift: round-robin assignment may give this member cases."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="group_member_once")]

    def __str__(self) -> str:
        return f"{self.user} in {self.group}"


class RoutingRule(models.Model):
    """A new case whose product and kind match goes to the group; an empty field matches any.
    The first matching rule by position wins."""

    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="rules")
    product = models.CharField(
        max_length=100, blank=True, help_text="The case's product, any letter case; empty: any."
    )
    kind = models.CharField(
        max_length=20, blank=True, choices=CaseKind.choices, help_text="Empty: any kind."
    )
    position = models.PositiveIntegerField(default=100, help_text="Lower numbers are tried first.")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.product or 'any product'} / {self.kind or 'any kind'} → {self.group}"
