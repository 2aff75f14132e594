"""`casedesk import FILE`: all rows checked, every bad row reported, nothing partial."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from casedesk.customers.models import Customer, Release, Subscription, SupportContact
from casedesk.lib import clock
from tests.customers.helpers import AT

GOOD = """\
kind,slug,name,level,nodes,starts_on,ends_on,project_description,customer,email,time_zone,username,product,version,ga_on,end_of_support_on,production
customer,hooli,Hooli,premium,120,2026-01-01,2026-12-31,"Search platform,
two lines",,,,,,,,,
contact,,Gavin Belson,,,,,,hooli,gavin@hooli.example,,gavin,,,,,
contact,,Jared Dunn,,,,,,hooli,jared@hooli.example,Europe/London,,,,,,
release,,,,,,,,,,,,DC/OS,2.4.0,2026-05-01,,yes
release,,,,,,,,,,,,DC/OS,2.5.0-rc1,2026-06-01,,no
"""


@pytest.fixture(autouse=True)
def _pinned():
    with clock.pinned(AT):
        yield


def run(tmp_path, name, text, *args):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    from io import StringIO

    out = StringIO()
    call_command("import", str(path), *args, stdout=out)
    return out.getvalue()


def test_it_imports_customers_contacts_and_releases_from_csv(world, tmp_path):
    out = run(tmp_path, "load.csv", GOOD, "--actor", "manager")
    assert out.splitlines() == [
        f"{tmp_path / 'load.csv'}: imported 1 customer(s), 1 subscription(s), 2 contact(s), "
        "2 release(s).",
        "invitation mailed to gavin <gavin@hooli.example>",
    ]
    sub = Subscription.objects.get(customer__slug="hooli")
    assert (sub.level, sub.nodes, sub.project_description) == (
        "premium",
        120,
        "Search platform,\ntwo lines",
    )
    gavin = SupportContact.objects.get(email="gavin@hooli.example")
    assert gavin.user.username == "gavin" and not gavin.user.has_usable_password()
    assert gavin.added_by == world.manager and gavin.added_at == AT
    assert SupportContact.objects.get(name="Jared Dunn").time_zone == "Europe/London"
    assert not Release.objects.get(version="2.5.0-rc1").production


def test_it_reports_every_bad_row_with_its_line_and_imports_nothing(world, tmp_path):
    bad = (
        GOOD
        + "customer,initrode,Initrode,gold,10,2026-01-01,2026-12-31,x,,,,,,,,,\n"  # line 8
        + "customer,umbrella,Umbrella,standard,ten,2026-01-01,2026-12-31,x,,,,,,,,,\n"  # 9
        + "contact,,Nobody,,,,,,nowhere,n@nowhere.example,,,,,,,\n"  # 10
        + "release,,,,,,,,,,,,DC/OS,2.2.0,2026-01-01,,yes\n"  # 11: already in the catalog
        + "release,,,,,,,,,,,,DC/OS,3.0,01/02/2026,,maybe\n"  # 12
        + "contact,,Bad Mail,,,,,,acme,not-mail,,,,,,,\n"  # 13
        + "partner,,,,,,,,,,,,,,,,\n"  # 14
    )
    with pytest.raises(CommandError) as exc:
        run(tmp_path, "bad.csv", bad)
    path = tmp_path / "bad.csv"
    assert str(exc.value) == (
        f"{path}: 7 bad row(s); nothing was imported. Fix them and run the import again:\n"
        'line 8: "gold" is not a support level in terms 2026-01 (levels: signature, premium, '
        "standard).\n"
        'line 9: nodes: "ten" is not a whole number\n'
        'line 10: customer "nowhere" is neither in the file nor stored\n'
        "line 11: DC/OS 2.2.0 is already in the release catalog.\n"
        'line 12: ga_on: "01/02/2026" is not a date (use YYYY-MM-DD)\n'
        'line 13: "not-mail" is not an e-mail address.\n'
        'line 14: kind: "partner" is not one of customer, contact, release'
    )
    assert not Customer.objects.filter(slug__in=["hooli", "initrode", "umbrella"]).exists()
    assert not Release.objects.filter(version="2.4.0").exists()
    assert not SupportContact.objects.filter(email="gavin@hooli.example").exists()


def test_the_contact_limit_applies_to_imports(world, tmp_path):
    rows = "customer,name,email\n" + "".join(f"globex,P{i},p{i}@globex.example\n" for i in range(2))
    with pytest.raises(CommandError) as exc:
        run(tmp_path, "contacts.csv", rows)
    assert str(exc.value).endswith(
        "line 3: Standard, 50 nodes: at most 2 active contacts; 2 are active — deactivate one first"
    )
    assert world.globex.contacts.count() == 1


def test_a_file_of_one_kind_needs_no_kind_column(world, tmp_path):
    out = run(
        tmp_path,
        "releases.csv",
        "product,version,ga_on,end_of_support_on\nDC/OS,2.6.0,2026-07-01,2027-07-01\n",
    )
    assert "1 release(s)" in out
    assert Release.objects.get(version="2.6.0").end_of_support_on.isoformat() == "2027-07-01"


def test_a_missing_column_is_reported(world, tmp_path):
    with pytest.raises(CommandError) as exc:
        run(tmp_path, "c.csv", "kind,slug,name\ncustomer,,Nameless\n")
    assert str(exc.value).endswith("line 2: customer row without slug")


def test_it_imports_json_and_reports_object_lines(world, tmp_path):
    records = [
        {
            "kind": "customer",
            "slug": "pied",
            "name": "Pied Piper",
            "level": "standard",
            "nodes": 5,
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "project_description": "Compression",
        },
        {"kind": "contact", "customer": "pied", "name": "Richard", "email": "r@pied.example"},
        {
            "kind": "release",
            "product": "DC/OS",
            "version": "2.7",
            "ga_on": "2026-01-01",
            "production": False,
        },
    ]
    text = json.dumps(records, indent=2)
    out = run(tmp_path, "load.json", text)
    assert "1 customer(s), 1 subscription(s), 1 contact(s), 1 release(s)" in out
    records[1]["email"] = "nope"
    records[2]["version"] = "2.8"
    records[2]["ga_on"] = "soon"
    text = json.dumps(records[1:], indent=2)
    with pytest.raises(CommandError) as exc:
        run(tmp_path, "bad.json", text)
    lines = text.splitlines()
    first, second = (i + 1 for i, line in enumerate(lines) if line == "  {")
    assert str(exc.value).endswith(
        f'line {first}: "nope" is not an e-mail address.\n'
        f'line {second}: ga_on: "soon" is not a date (use YYYY-MM-DD)'
    )


def test_unusable_files_are_explained(world, tmp_path):
    with pytest.raises(CommandError, match=r"line 1: a YAML import file is a list of mappings"):
        run(tmp_path, "x.yaml", "a: 1\n")
    with pytest.raises(
        CommandError,
        match=r"line 3: not valid YAML \(expected .,. or .\]., but got .<stream end>.\)",
    ):
        run(tmp_path, "x.yml", "- kind: release\n  product: [unclosed\n")
    with pytest.raises(CommandError, match=r"use a \.csv, \.json, \.yaml or \.yml file\.$"):
        run(tmp_path, "x.txt", "")
    with pytest.raises(CommandError, match=r"line 1: a JSON import file is an array of objects"):
        run(tmp_path, "x.json", '{"kind": "release"}')
    with pytest.raises(CommandError, match=r"--actor agent: not a support manager's login\.$"):
        run(tmp_path, "x.csv", GOOD, "--actor", "agent")


YAML = """\
- kind: customer
  slug: hooli
  name: Hooli
  level: premium
  nodes: 120
  starts_on: 2026-01-01
  ends_on: 2026-12-31
  project_description: Search platform
- kind: contact
  customer: hooli
  name: Gavin Belson
  email: gavin@hooli.example
- kind: release
  product: DC/OS
  version: 2.5.0-rc1
  ga_on: 2026-06-01
  production: false
- kind: contact
  customer: hooli
  name: Nobody
  email: not-an-address
"""


def test_it_imports_yaml_and_reports_entry_lines(world, tmp_path):
    with pytest.raises(CommandError) as exc:
        run(tmp_path, "load.yaml", YAML, "--actor", "manager")
    assert str(exc.value).endswith('line 18: "not-an-address" is not an e-mail address.')
    assert not Customer.objects.filter(slug="hooli").exists()
    good = YAML[: YAML.index("- kind: contact\n  customer: hooli\n  name: Nobody")]
    out = run(tmp_path, "load.yaml", good, "--actor", "manager")
    assert "imported 1 customer(s), 1 subscription(s), 1 contact(s), 1 release(s).\n" in out
    assert not Release.objects.get(version="2.5.0-rc1").production
    assert Subscription.objects.get(customer__slug="hooli").ends_on.isoformat() == "2026-12-31"
