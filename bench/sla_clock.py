"""Benchmark: response deadlines with casedesk's SLA clock and three business-time libraries.

    .venv/bin/pip install -e '.[bench]'     # businesstimedelta, pandas, officehours
    .venv/bin/python bench/sla_clock.py [--n 100000] [--peer-n 10000] [--seed 3]

It draws N random (received, level, severity) triples for the default terms (received on a
whole minute, 2026-2028), computes every deadline with casedesk's single-call path and batch
path, and, in the same run, with `businesstimedelta`, pandas' `CustomBusinessHour` and
`officehours` (each given the same hours, weekdays and holidays, working on Pacific wall time
the way their docs show). Elapsed targets are `received + minutes` for everyone; business-day
targets are where the libraries differ. Before timing, every implementation is checked against
the brute-force reference in tests/terms/reference.py on a sample, and its convention for a
budget that runs out at 17:00 is probed. Then calls per second and ratios are printed.

Not a test: timings depend on the machine. Slow peers run on the first --peer-n triples.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import sys
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.terms.reference
sys.path.insert(0, str(ROOT / "src"))

from bench import sla_batch as batch  # noqa: E402
from casedesk.terms import default_terms  # noqa: E402
from casedesk.terms.calendar import BusinessCalendar  # noqa: E402
from casedesk.terms.rules import rule_for  # noqa: E402
from casedesk.terms.sla import deadline  # noqa: E402
from tests.terms.reference import Reference, from_minute, to_minute  # noqa: E402

UTC = dt.UTC
LA = ZoneInfo("America/Los_Angeles")
TERMS = default_terms()
LEVELS = tuple(TERMS.levels)
FIRST, LAST = dt.datetime(2026, 1, 1, tzinfo=UTC), dt.datetime(2029, 1, 1, tzinfo=UTC)

Triple = tuple[dt.datetime, str, int]
DeadlineFn = Callable[[dt.datetime, str, int], "dt.datetime | None"]


def triples(n: int, seed: int) -> list[Triple]:
    rnd = random.Random(seed)
    span = int((LAST - FIRST).total_seconds()) // 60
    return [
        (FIRST + dt.timedelta(minutes=rnd.randrange(span)), rnd.choice(LEVELS), rnd.randint(1, 4))
        for _ in range(n)
    ]


# -- the peers: same hours, weekdays and holidays; business days as 8 business hours each ---------


def holiday_dates() -> list[dt.date]:
    cal = BusinessCalendar.from_terms(TERMS.calendar)
    return sorted(d for y in range(2025, 2032) for d in cal.holidays(y))


def _with_rule(business: Callable[[dt.datetime, int], dt.datetime]) -> DeadlineFn:
    """A peer's deadline function: the terms' rule, with the peer doing the business time."""
    plans = {}
    for level in LEVELS:
        for sev in (1, 2, 3, 4):
            rule = rule_for(TERMS, level, sev)
            plans[level, sev] = (rule.counting, rule.amount_us // 1_000_000)

    def fn(received: dt.datetime, level: str, sev: int) -> dt.datetime | None:
        counting, seconds = plans[level, sev]
        if counting == "wall":
            return received + dt.timedelta(seconds=seconds)
        if counting == "business":
            return business(received, seconds // 3600)
        return None

    return fn


def officehours_fn() -> DeadlineFn:
    import officehours

    calc = officehours.Calculator("9:00", "17:00", holidays=holiday_dates())

    def business(received: dt.datetime, hours: int) -> dt.datetime:
        local = received.astimezone(LA).replace(tzinfo=None)
        return calc.due_date(hours, local).replace(tzinfo=LA).astimezone(UTC)

    return _with_rule(business)


def pandas_fn() -> DeadlineFn:
    import pandas as pd

    offsets = {
        h: pd.offsets.CustomBusinessHour(
            n=h,
            start="09:00",
            end="17:00",
            weekmask="Mon Tue Wed Thu Fri",
            holidays=holiday_dates(),
        )
        for h in (8, 16)
    }

    def business(received: dt.datetime, hours: int) -> dt.datetime:
        local = pd.Timestamp(received.astimezone(LA).replace(tzinfo=None))
        out = (local + offsets[hours]).to_pydatetime()
        return out.replace(tzinfo=LA).astimezone(UTC)

    return _with_rule(business)


def businesstimedelta_fn() -> DeadlineFn:
    import businesstimedelta as btd
    import pytz

    tz = pytz.timezone("America/Los_Angeles")
    workday = btd.WorkDayRule(
        start_time=dt.time(9), end_time=dt.time(17), working_days=[0, 1, 2, 3, 4], tz=tz
    )
    rules = btd.Rules([workday, btd.HolidayRule(holiday_dates(), tz=tz)])
    deltas = {h: btd.BusinessTimeDelta(rules, hours=h) for h in (8, 16)}

    def business(received: dt.datetime, hours: int) -> dt.datetime:
        return (received.astimezone(tz) + deltas[hours]).astimezone(UTC)

    return _with_rule(business)


def casedesk_fn() -> DeadlineFn:
    return lambda received, level, sev: deadline(TERMS, level, sev, received)


# -- checks ------------------------------------------------------------------------------------


def mismatches(fn: DeadlineFn, sample: list[Triple], ref: Reference) -> tuple[int, int, str]:
    bad, example = 0, ""
    for received, level, sev in sample:
        rule = rule_for(TERMS, level, sev)
        expected = from_minute(ref.add(to_minute(received), rule.amount_us // 60_000_000))
        got = fn(received, level, sev)
        if got != expected:
            bad += 1
            if not example:
                example = (
                    f"{received.astimezone(LA):%a %d %b %Y %H:%M} {level} sev {sev}: "
                    f"{_local(got)} (reference {_local(expected)})"
                )
    return bad, len(sample), example


def _local(t: dt.datetime | None) -> str:
    return "None" if t is None else f"{t.astimezone(LA):%a %d %b %H:%M}"


PROBES = [  # (received in LA, level, severity): budgets that run out exactly at 17:00
    (dt.datetime(2026, 12, 1, 9, 0, tzinfo=LA), "standard", 1),  # Tue 09:00 + 8 h
    (dt.datetime(2026, 12, 1, 8, 0, tzinfo=LA), "premium", 3),  # Tue 08:00 (closed) + 8 h
    (dt.datetime(2026, 12, 4, 18, 0, tzinfo=LA), "standard", 1),  # Fri 18:00 + 8 h
    (dt.datetime(2026, 12, 1, 9, 0, tzinfo=LA), "standard", 2),  # Tue 09:00 + 16 h
]


def convention(fn: DeadlineFn) -> str:
    ends = []
    for received, level, sev in PROBES:
        got = fn(received.astimezone(UTC), level, sev)
        ends.append("17:00" if got is not None and got.astimezone(LA).hour == 17 else "09:00")
    if all(e == "17:00" for e in ends):
        return "ends at 17:00"
    if all(e == "09:00" for e in ends):
        return "ends at next 09:00"
    return f"inconsistent ({'/'.join(ends)})"


# -- timing ------------------------------------------------------------------------------------


def rate(fn: DeadlineFn, work: list[Triple], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for received, level, sev in work:
            fn(received, level, sev)
        best = min(best, time.perf_counter() - start)
    return len(work) / best


def batch_rate(work: list[Triple], repeat: int) -> tuple[float, np.ndarray]:
    seconds = np.array([int(t.timestamp()) for t, _, _ in work], dtype=np.int64)
    levels = np.array([lv for _, lv, _ in work])
    sevs = np.array([s for _, _, s in work], dtype=np.int64)
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = batch.deadlines(TERMS, levels, sevs, seconds)
        best = min(best, time.perf_counter() - start)
    assert out is not None
    return len(work) / best, out


def build_ms(repeat: int = 7) -> tuple[float, float]:
    """Milliseconds to build a fresh calendar table for 2026-2035: cold (first), best."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        BusinessCalendar(TERMS.calendar).warm(2026, 2035)
        times.append((time.perf_counter() - start) * 1000)
    return times[0], min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="triples (default 100000)")
    parser.add_argument(
        "--peer-n", type=int, default=10_000, help="triples for the slow peers (default 10000)"
    )
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--sample", type=int, default=2000, help="triples checked vs reference")
    args = parser.parse_args()

    cold, best = build_ms()
    work = triples(args.n, args.seed)
    business = [t for t in work if rule_for(TERMS, t[1], t[2]).counting == "business"]
    ref = Reference(TERMS.calendar)
    sample = business[: args.sample]
    peers: list[tuple[str, DeadlineFn, int]] = [
        ("casedesk single-call", casedesk_fn(), args.n),
        (f"officehours {version('officehours')}", officehours_fn(), args.n),
        (f"pandas CustomBusinessHour {version('pandas')}", pandas_fn(), args.peer_n),
        (f"businesstimedelta {version('businesstimedelta')}", businesstimedelta_fn(), args.peer_n),
    ]

    print(
        f"sla_clock: {args.n:,} random (received, level, severity) triples, received "
        f"{FIRST:%Y-%m-%d}..{LAST - dt.timedelta(days=1):%Y-%m-%d}, default terms "
        f"({len(business):,} on a business-day clock); Python {platform.python_version()}, "
        f"numpy {np.__version__}, {platform.machine()}"
    )
    print(f"calendar table for 2026-2035: {best:.1f} ms (first build {cold:.1f} ms)")
    print()

    rows = []
    for name, fn, n in peers:
        bad, checked, example = mismatches(fn, sample, ref)
        rows.append(
            [name, n, rate(fn, work[:n], 3), rate(fn, business[: max(1, n // 4)], 3),
             f"{bad}/{checked}", convention(fn), example]
        )  # fmt: skip
    batch_all, out = batch_rate(work, 5)
    batch_business, _ = batch_rate(business, 5)
    single = [deadline(TERMS, lv, s, t) for t, lv, s in work]
    batch_bad = sum(
        1
        for got, want in zip(out, single, strict=True)
        if (np.isnat(got) and want is not None)
        or (not np.isnat(got) and got != np.datetime64(want.replace(tzinfo=None), "us"))
    )
    rows.insert(
        1,
        ["casedesk batch (numpy)", args.n, batch_all, batch_business,
         f"{batch_bad}/{args.n} vs single", "ends at 17:00", ""],
    )  # fmt: skip

    by_name = {r[0].split(" ")[0] if "casedesk" not in r[0] else r[0]: r for r in rows}
    office, btd = by_name["officehours"], by_name["businesstimedelta"]
    header = ["implementation", "triples", "calls/s all", "calls/s business",
              "x officehours", "x btd", "mismatches", "at 17:00"]  # fmt: skip
    table = [
        [r[0], f"{r[1]:,}", f"{r[2]:,.0f}", f"{r[3]:,.0f}",
         f"{r[2] / office[2]:.1f} / {r[3] / office[3]:.1f}",
         f"{r[2] / btd[2]:.0f} / {r[3] / btd[3]:.0f}", r[4], r[5]]
        for r in rows
    ]  # fmt: skip
    widths = [max(len(str(x)) for x in col) for col in zip(header, *table, strict=True)]
    for line in [header, ["-" * w for w in widths], *table]:
        print("  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
    print()
    print("ratios: all triples / business-day triples only; mismatches: against the brute-force")
    print(
        f"reference on {len(sample):,} business-day triples; at 17:00: {len(PROBES)} probes whose"
    )
    print("budget runs out at closing (the terms: it ends at 17:00, not at 09:00 next day).")
    for row in rows:
        if row[6]:
            print(f"  first mismatch, {row[0]}: {row[6]}")
    single_row = rows[0]
    goals = [
        ("single-call >= 4x officehours (business triples)", single_row[3] / office[3] >= 4),
        ("single-call >= 4x officehours (all triples)", single_row[2] / office[2] >= 4),
        ("single-call >= 100x businesstimedelta (business)", single_row[3] / btd[3] >= 100),
        ("batch >= 5,000,000 deadlines/s (all triples)", batch_all >= 5_000_000),
        ("calendar for ten years < 50 ms", best < 50),
    ]
    print()
    for label, ok in goals:
        print(f"goal: {label}: {'met' if ok else 'NOT MET'}")


if __name__ == "__main__":
    main()
