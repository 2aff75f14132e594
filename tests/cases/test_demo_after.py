"""The demo's history after the first response (issue 16): every resolution kind, a fix
scheduled for an upcoming release, reminders already sent; and `sla verify` finds no drift."""

from __future__ import annotations

import io

import pytest

from casedesk.cases.models import Case, EventKind, Status
from casedesk.cases.sla_cli import verify_cases
from casedesk.core import demo_data

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_resolution_kind_reminders_and_a_fix_scheduled():
    logins = demo_data.seed(progress=lambda _: None, cases=12)
    assert ("Contact, Umbrella (premium, reminders on)", "dana", "demo-casedesk") in logins
    kinds = set(Case.objects.exclude(resolution="").values_list("resolution", flat=True))
    assert kinds >= {
        "answered",
        "workaround",
        "patch_delivered",
        "fixed_in_release",
        "not_reproducible",
        "duplicate",
        "excluded",
    }
    scheduled = Case.objects.filter(status=Status.FIX_SCHEDULED)
    assert scheduled.count() == 2
    assert {c.resolution_release.version for c in scheduled} == {"2.4.0"}
    umbrella = Case.objects.filter(customer__slug="umbrella")
    assert umbrella.filter(events__kind=EventKind.REMINDED).exists()
    assert Case.objects.filter(events__kind=EventKind.INFO_REQUESTED).count() > 20
    out = io.StringIO()
    assert verify_cases(out) == 0, out.getvalue()
