"""Benchmark: the pages people load, at 10,000 / 100,000 / 1,000,000 cases (issue 15).

    .venv/bin/python bench/pages.py --database sqlite --sizes 10k,100k
    .venv/bin/python bench/pages.py --database postgres --sizes 10k,100k,1m --keep
    .venv/bin/python bench/pages.py --database postgres --sizes 1m --keep --repeat 50

For each size a database is filled by `bench/fill.py` (with `--keep`, named
`casedesk_pages_<size>` on PostgreSQL or `var/bench/pages_<size>.sqlite3`, and reused when
already filled), then each page is requested in-process with Django's test Client (the whole
stack: middleware, sessions, templates, the API's token check), the clock pinned to the fill's
NOW. Prints p50 and p95 in ms per page and size, and the growth of p95 against the smallest size:
near 1 means the cost follows the page, not the table. Each size runs in its own process.

Pages: the console queue (first page and page 20), the API case list of a contact (their
organisation's cases) and of an engineer (every case), first page and the page after following
the cursor 20 times, the engineers' API queue, one case in the console and in the portal, and
the SLA attainment report for the year before NOW (fewer runs: it is the slow one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))

import fill as filler  # noqa: E402 - bench/fill.py, beside this file

GOAL_MS = {"report year": 2000.0, "console case": 30.0, "portal case": 30.0}
LATER = 20  # the "later page": page 20, or 20 cursors on


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def _time(get: Any, path: str, repeat: int, **headers: Any) -> dict[str, float]:
    response = get(path, **headers)  # warm: templates, caches, the plan
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = get(path, **headers)
        runs.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return {"p50": statistics.median(runs), "p95": _p(runs, 0.95)}


def _later(get: Any, path: str, headers: dict[str, str]) -> str:
    """The path of the list page LATER cursors on (or the last one there is)."""
    url = path
    for _ in range(LATER):
        body = json.loads(get(url, **headers).content)
        cursor = body.get("next_cursor")
        if not cursor:
            break
        url = f"{path}{'&' if '?' in path else '?'}cursor={cursor}"
    return url


def measure(repeat: int, report_repeat: int) -> dict[str, dict[str, float]]:
    from django.conf import settings
    from django.test import Client

    from casedesk.api.tokens import create_token
    from casedesk.cases.models import Case
    from casedesk.lib import clock

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the test Client's host
    world = filler.load_world()
    agent_client, contact_client = Client(), Client()
    agent_client.force_login(world.agent)
    contact, customer_id = world.contact_users[0]
    contact_client.force_login(contact)
    _, agent_secret = create_token(world.agent, f"bench {time.time()}")
    _, contact_secret = create_token(contact, f"bench {time.time()}")
    agent_api = {"headers": {"Authorization": f"Bearer {agent_secret}"}}
    contact_api = {"headers": {"Authorization": f"Bearer {contact_secret}"}}
    ref = (
        Case.objects.filter(customer_id=customer_id, status="triaged")
        .order_by("-received_at")
        .values_list("tracking_number", flat=True)[0]
    )
    year_from = (filler.NOW - dt.timedelta(days=365)).date()
    report = f"/console/reports/?from={year_from}&to={filler.NOW.date()}"
    out: dict[str, dict[str, float]] = {}
    ag, co = agent_client.get, contact_client.get
    with clock.pinned(filler.NOW):
        out["queue first"] = _time(ag, "/console/", repeat)
        out["queue page 20"] = _time(ag, f"/console/?page={LATER}", repeat)
        out["api contact first"] = _time(co, "/api/cases", repeat, **contact_api)
        later = _later(co, "/api/cases", contact_api["headers"])
        out["api contact later"] = _time(co, later, repeat, **contact_api)
        out["api engineer first"] = _time(ag, "/api/cases", repeat, **agent_api)
        later = _later(ag, "/api/cases", agent_api["headers"])
        out["api engineer later"] = _time(ag, later, repeat, **agent_api)
        out["api queue first"] = _time(ag, "/api/queue", repeat, **agent_api)
        out["console case"] = _time(ag, f"/console/cases/{ref}/", repeat)
        out["portal case"] = _time(co, f"/portal/cases/{ref}/", repeat)
        out["report year"] = _time(ag, report, report_repeat)
    return out


def one(size: int, database: str, keep: bool, repeat: int, report_repeat: int) -> None:
    """Child process: fill (or reuse) the database of one size, measure, print JSON last."""
    name = f"casedesk_pages_{_label(size).lower()}" if database == "postgres" else None
    if database == "sqlite":
        name = f"pages_{_label(size).lower()}"
    cleanup = filler.setup_database(database, name if keep else None)
    try:
        have = filler.already_filled()
        fill_s = 0.0
        if have and have != size:
            sys.exit(f"{name} holds {have:,} cases, not {size:,}; drop it first.")
        if not have:
            print(f"filling {size:,} cases on {database}", file=sys.stderr)
            fill_s = filler.fill(size, progress=lambda s: print(s, file=sys.stderr)).seconds
        result: dict[str, Any] = {"fill_s": fill_s, "pages": measure(repeat, report_repeat)}
        print(json.dumps(result))
    finally:
        cleanup()


def _label(size: int) -> str:
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k", help="comma-separated: 10k,100k,1m")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the databases")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page")
    parser.add_argument("--report-repeat", type=int, default=3)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one, args.database, args.keep, args.repeat, args.report_repeat)
        return
    sizes = list(filler.iter_sizes(args.sizes))
    results: dict[int, dict[str, Any]] = {}
    for size in sizes:
        cmd = [sys.executable, __file__, "--one", str(size), "--database", args.database]
        cmd += ["--repeat", str(args.repeat), "--report-repeat", str(args.report_repeat)]
        cmd += ["--keep"] if args.keep else []
        done = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True, env=os.environ)
        results[size] = json.loads(done.stdout.strip().splitlines()[-1])
    _print(args.database, sizes, results)


def _print(database: str, sizes: list[int], results: dict[int, dict[str, Any]]) -> None:
    first = sizes[0]
    names = list(results[first]["pages"])
    head = "".join(f"{_label(s) + ' p50':>11}{'p95':>8}" for s in sizes)
    growth = "".join(f"{'x' + _label(s):>8}" for s in sizes[1:])
    print(f"database: {database}   times in ms, growth = p95 / p95 at {_label(first)}")
    print(f"{'page':22}{head}{growth}{'goal':>8}")
    for name in names:
        cells = "".join(
            f"{results[s]['pages'][name]['p50']:11.1f}{results[s]['pages'][name]['p95']:8.1f}"
            for s in sizes
        )
        base = results[first]["pages"][name]["p95"]
        ratios = "".join(f"{results[s]['pages'][name]['p95'] / base:8.2f}" for s in sizes[1:])
        goal = GOAL_MS.get(name, 50.0)
        print(f"{name:22}{cells}{ratios}{'<' + format(goal, '.0f'):>8}")
    fills = ", ".join(
        f"{_label(s)} {results[s]['fill_s']:.0f} s" for s in sizes if results[s]["fill_s"]
    )
    if fills:
        print(f"filled by bench/fill.py: {fills}")


if __name__ == "__main__":
    main()
