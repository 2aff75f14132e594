"""Reports, exports and `sla verify` read from the replica when DATABASE_REPLICA_URL is set;
everything else, every write, and every read after a write stays on the primary."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import transaction

from casedesk.cases import services
from casedesk.cases.models import Case
from casedesk.lib.replica import current_read_alias, replica_reads
from tests.conftest import ROOT, run_cli


@pytest.fixture
def with_replica(settings):
    """The router installed and a `replica` alias declared (the test database mirrored; no
    query runs on it here: these tests ask where a read would go)."""
    settings.DATABASE_ROUTERS = ["casedesk.lib.replica.ReplicaRouter"]
    settings.DATABASES = {
        **settings.DATABASES,
        "replica": {**settings.DATABASES["default"], "TEST": {"MIRROR": "default"}},
    }


pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


@pytest.mark.django_db(transaction=True)
def test_it_reads_reports_from_the_replica_and_the_rest_from_the_primary(with_replica):
    assert Case.objects.all().db == "default"
    with replica_reads():
        assert Case.objects.all().db == "replica"
    assert current_read_alias() == "default"


@pytest.mark.django_db(transaction=True)
def test_it_reads_from_the_primary_after_a_write_in_the_same_block(with_replica, world):
    with replica_reads():
        assert current_read_alias() == "replica"
        services.open_case(world.alice, channel="api", subject="Written inside the block")
        assert Case.objects.all().db == "default"
        assert Case.objects.get().subject == "Written inside the block"  # on the primary
    with replica_reads():  # the next request or command starts on the replica again
        assert current_read_alias() == "replica"


@pytest.mark.django_db(transaction=True)
def test_it_reads_from_the_primary_inside_a_transaction(with_replica):
    with replica_reads(), transaction.atomic():
        assert Case.objects.all().db == "default"


@pytest.mark.django_db(transaction=True)
def test_without_a_replica_everything_reads_from_the_primary(settings):
    settings.DATABASE_ROUTERS = ["casedesk.lib.replica.ReplicaRouter"]
    with replica_reads():
        assert current_read_alias() == "default"
        assert Case.objects.all().db == "default"


SETUP = textwrap.dedent(
    """
    import sys

    import django

    django.setup()
    from django.core.management import call_command

    from casedesk.cases import services
    from casedesk.customers.models import SupportContact
    from tests.world import build_world

    if sys.argv[2] == "fresh":
        call_command("migrate", verbosity=0)
        build_world()
    alice = SupportContact.objects.get(email="alice@acme.example")
    for n in range(int(sys.argv[1])):
        print(services.open_case(alice, channel="api", subject=f"Crash {n}").tracking_number)
    """
)


def _open_cases(env: dict[str, str], n: int, world: str) -> list[str]:
    """Open n cases in a process of their own, as a server would; their tracking numbers."""
    done = subprocess.run(
        [sys.executable, "-c", SETUP, str(n), world],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split()


def test_report_and_verify_read_the_replica_named_in_the_environment(tmp_path: Path):
    """Two real SQLite files: the 'replica' is a copy taken before two more cases were opened
    on the primary. `sla verify` counts the copy's cases and the report through the replica
    equals the copy's own; a case read (`sla explain`) finds a case only the primary has."""
    primary = tmp_path / "primary"
    # SQLite files on both databases' runs (an empty DATABASE_URL is SQLite).
    env = {**os.environ, "DATABASE_URL": ""}
    env.update(CASEDESK_HOME=str(primary), DJANGO_SETTINGS_MODULE="casedesk.settings")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "src")])
    _open_cases(env, 3, "fresh")
    copy = tmp_path / "replica.sqlite3"
    shutil.copy(primary / "casedesk.sqlite3", copy)  # WAL checkpointed at the last close
    newer = _open_cases(env, 2, "existing")
    env["DATABASE_REPLICA_URL"] = f"sqlite:///{copy}"

    verify = run_cli("sla", "verify", env=env)
    assert verify.returncode == 0, verify.stderr
    assert "3 cases checked" in verify.stdout  # the replica's 3, not the primary's 5
    del env["DATABASE_REPLICA_URL"]
    assert "5 cases checked" in run_cli("sla", "verify", env=env).stdout
    env["DATABASE_REPLICA_URL"] = f"sqlite:///{copy}"
    newest = run_cli("sla", "explain", newer[-1], env=env)
    assert newest.returncode == 0, newest.stderr
    assert "Crash 1" in newest.stdout
    report = ("report", "sla", "--format", "csv", "--by", "customer")
    through_replica = run_cli(*report, env=env)
    del env["DATABASE_REPLICA_URL"]
    on_primary = run_cli(*report, env=env)
    on_copy = run_cli(*report, env={**env, "CASEDESK_DB_NAME": str(copy)})
    assert through_replica.returncode == 0, through_replica.stderr
    assert through_replica.stdout == on_copy.stdout
    assert through_replica.stdout != on_primary.stdout
