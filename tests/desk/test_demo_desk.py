"""The demo's desk (issue 18): shared canned replies that fill without error, an engineer's own,
and a colleague following an Acme case."""

from __future__ import annotations

import pytest

from casedesk.cases.models import Case
from casedesk.core import demo_data
from casedesk.desk.models import CannedReply, Follower
from casedesk.desk.services.macros import fill_macro

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_canned_replies_and_a_follower():
    demo_data.seed(progress=lambda _: None, cases=12)
    shared = CannedReply.objects.filter(owner__isnull=True)
    assert shared.count() == 4
    assert CannedReply.objects.filter(owner__username="ana").count() == 1
    case = Case.objects.filter(customer__slug="acme").first()
    for macro in CannedReply.objects.all():
        assert "{" not in fill_macro(macro, case)  # every placeholder has a value
    follower = Follower.objects.select_related("contact", "case").get()
    assert follower.contact.email == "ahmed@acme.example"
    assert follower.case.customer.slug == "acme"
