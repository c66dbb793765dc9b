"""The efficiency indicators at city scale (issue #13): the leader's overview and a department drill-down read from
the daily figures, on PostgreSQL with 10,000,000 cases, each beside the same figures counted straight from the cases
in the same run (insights.counting.count_cases, what the daily rows are rebuilt from).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/yiwang_bench_insights PYTHONPATH=src \\
        .venv/bin/python bench/bench_insights_scale.py [--cases 10000000] [--days 730] [--repeat 10] [--reload]

The loader fills a dedicated database in SQL, without the ORM: reused when it already holds --cases cases and their
daily figures, otherwise dropped and rebuilt: schema, the reference organisation and catalog and the demo personas
(as the test database loads them), two window clerks per window and 20,000 applicants, then the cases by
`INSERT … SELECT generate_series` from staging tables (the server generates the rows, nothing crosses the socket):
- receipt: over the --days days before the load, working days (the city's calendar) 12 times as heavy as rest days,
  08:30–17:30 local; ids numbered in the order received, as a live table's are;
- the reference catalog's 120 implementations (city, 海珠区, 天河区), skewed; the case's region, department, item,
  version and limits are the implementation's; channel 85 % online, 13 % at a window (a window of the region's
  centres, the department's own window when it has one, one of its two clerks), 2 % 上门代办 in 海珠区;
- 10 % a correction notice (一次告知) and acceptance the day the correction came; otherwise accepted the day of
  receipt (60 %) or 1–3 working days later; 2 % refused, 1 % withdrawn; 3 % of the others suspended 3–17 working
  days; 90 % decided after 10–95 % of the promised working days (即办 the same day), 8 % on the due day, 2 % 1–3
  working days late; due dates counted on the same working-day calendar; 96 % granted; delivered online, by post
  or at a window;
- ratings for 30 % of the decided cases within 3 days (5: 78 %, 4: 14 %, 3: 4 %, 2: 2.5 %, 1: 1.5 %), each bad one
  with a rectification, 90 % answered; a queue ticket for every window case, a second one when it came back with
  corrections; 督办 for 0.5 % of accepted cases;
- materials: the version's required materials for every case (--materials-share to store them for fewer), 共享 and
  电子证照 ones mostly drawn (免提交).
Then the daily figures are filled by the real rebuild (insights.services._rebuild_day, every day, in two processes)
and every month rolled up (insights.services.month_roll_up); the seconds per day are the worker's incremental cost.

Measured, each --repeat times after one untimed call, p50/p95 (wall clock; CPU of this process and of its backend):
1. the leader's overview of the city (440100) for the last full month, quarter and year: selectors.counts + trend +
   breakdown(by="region") + breakdown(by="department") in one block planned for its values (core.plans), as the
   staff pages read them, as the public (actor None) and as gz-supervisor (restrict());
2. a drill-down into 海珠区's busiest department for the month and the year: counts + trend + breakdown(by="item"),
   as the public and as the department's head;
beside each, count_cases(group=(), by_day=False) over the same scope and period, once (it reads every case), and
the two must agree: every counter (floats within 1e-9 relative) and so every indicator;
3. the last --rebuild-sample days rebuilt again, alone, with their month's roll-up: the worker's cost per day;
4. the staff pages over HTTP (Django's test client): the city's overview and the department's page, month and year.
When a figure misses 1 s, the EXPLAIN ANALYZE of its slowest query is printed (a custom plan: a generic plan that
a prepared statement switched to shows only in the timings).
"""

import argparse
import datetime as dt
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _insights_data import generate
from _setup import backend_cpu_ms, catalog_database, percentiles

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/yiwang_bench_insights"
TARGET_S = 1.0


# --- the loader ---------------------------------------------------------------------------------------------------


def _django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "yiwang.config.settings.dev"
    os.environ["DEBUG"] = "0"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import django

    django.setup()


def _held(url: str) -> tuple[int, int] | None:
    """(cases, daily figure rows) the database holds; None when it does not exist or has no insights table."""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            cases = conn.execute("SELECT count(*) FROM cases_case").fetchone()[0]
            return cases, conn.execute("SELECT count(*) FROM insights_dailyfigure").fetchone()[0]
    except psycopg.Error:
        return None


def _rebuild_all() -> None:
    """Every day's figures by the real rebuild, in two processes (the days dealt alternately); prints the cost."""
    from django.db import connection
    from django.db.models import Max, Min
    from django.utils import timezone

    from yiwang.cases.models import Case
    from yiwang.ratings.models import Rating

    bounds = Case.objects.aggregate(first=Min("received_on"), last=Max("received_on"), decided=Max("decided_at"))
    rated = Rating.objects.aggregate(last=Max("created_at"))["last"]
    # Through the last event of any basis: a decision or a rating can fall after the last receipt.
    first = bounds["first"]
    last = max([bounds["last"], *(timezone.localdate(at) for at in (bounds["decided"], rated) if at is not None)])
    connection.close()
    started = time.perf_counter()
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--rebuild-part",
                f"{k}/2",
                "--rebuild-from",
                str(first),
                "--rebuild-to",
                str(last),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for k in range(2)
    ]
    spent = []
    for worker in workers:
        out, _err = worker.communicate()
        assert worker.returncode == 0, f"a rebuild process failed ({worker.returncode})"
        spent += json.loads(out.strip().splitlines()[-1])
    took = time.perf_counter() - started
    _roll_up()
    seconds = [s for _d, s, _r in spent]
    p50, p95 = percentiles(seconds)
    rows = sum(r for _d, _s, r in spent)
    print(
        f"  daily figures: {len(spent)} days rebuilt by insights.services._rebuild_day in 2 processes, "
        f"{took:.1f} s wall; {rows:,} rows"
    )
    print(f"  seconds per day rebuilt: p50 {p50:.2f}  p95 {p95:.2f}  max {max(seconds):.2f}")


def _roll_up() -> None:
    """Every month's roll-up from its daily rows, as the rebuild of a day does for its month; then the statistics
    (figures_recompute does the same after a fill)."""
    from django.db import connection
    from django.db.models import Max, Min

    from yiwang.insights.models import DailyFigure
    from yiwang.insights.services import month_roll_up

    bounds = DailyFigure.objects.aggregate(first=Min("day"), last=Max("day"))
    started, month, months = time.perf_counter(), bounds["first"].replace(day=1), 0
    while month <= bounds["last"]:
        month_roll_up(month)
        months += 1
        month = (month + dt.timedelta(days=32)).replace(day=1)
    with connection.cursor() as cur:
        cur.execute("ANALYZE insights_dailyfigure, insights_monthlyfigure")
    print(f"  monthly roll-up: {months} months in {time.perf_counter() - started:.1f} s")


def _rebuild_part(part: str, first: str, last: str) -> None:
    """One rebuild process: the days of [first, last] whose index ≡ k (mod n); prints [(day, seconds, rows)]."""
    _django(os.environ.get("DATABASE_URL") or DEFAULT_URL)
    from yiwang.insights.services import _rebuild_day

    k, n = (int(x) for x in part.split("/"))
    day, last_day, index, spent = dt.date.fromisoformat(first), dt.date.fromisoformat(last), 0, []
    while day <= last_day:
        if index % n == k:
            started = time.perf_counter()
            rows = _rebuild_day(day)
            spent.append((str(day), time.perf_counter() - started, rows))
        day += dt.timedelta(days=1)
        index += 1
    print(json.dumps(spent))


def load(url: str, cases: int, days: int, materials_share: float, reload: bool) -> None:
    """The database ready for measuring: reused when it holds exactly `cases` cases and their daily figures; built
    from nothing otherwise."""
    held = None if reload else _held(url)
    name = url.rsplit("/", 1)[1]
    if held is not None and held[0] == cases and held[1] > 0:
        _django(url)
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        print(f"database: reused {name} ({held[0]:,} cases, {held[1]:,} daily figure rows)")
        from yiwang.insights.models import MonthlyFigure

        if not MonthlyFigure.objects.exists():
            _roll_up()
        return
    started = time.perf_counter()
    seconds = catalog_database(url)
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench_insights_scale runs on PostgreSQL only: set DATABASE_URL=postgresql://…")
    from yiwang.accounts.demo import load_demo_people

    load_demo_people()
    print(f"database: built {name}; schema, catalog and personas in {seconds:.1f} s")
    share = "every case" if materials_share >= 1 else f"{materials_share:.0%} of the cases"
    print(f"  {cases:,} cases over {days} days; required materials stored for {share}")
    for step, (rows, took) in generate(cases, days, materials_share).items():
        print(f"  {step:<20} {rows:>12,} rows {took:7.1f} s")
    _rebuild_all()
    print(f"loaded in {time.perf_counter() - started:.1f} s")


# --- the measurements ---------------------------------------------------------------------------------------------


def _timed(function, times: int) -> tuple[list[float], object, tuple[float, float]]:
    """Milliseconds of `times` calls after an untimed one; the result; CPU ms per call (this process, backend)."""
    result = function()
    runs = []
    cpu, db = time.process_time(), backend_cpu_ms()
    for _i in range(times):
        started = time.perf_counter()
        result = function()
        runs.append((time.perf_counter() - started) * 1000)
    return runs, result, ((time.process_time() - cpu) * 1000 / times, (backend_cpu_ms() - db) / times)


def _line(label: str, runs: list[float], cpu: tuple[float, float]) -> float:
    p50, p95 = percentiles(runs)
    print(
        f"  {label:<44} p50 {p50:8.1f} ms  p95 {p95:8.1f} ms  CPU {cpu[0]:6.1f} + DB {cpu[1]:7.1f} ms/call"
        f"  ({len(runs)} runs)"
    )
    return p95


def _agree(stored: dict, direct: dict, label: str) -> None:
    """Every counter equal (a float within 1e-9 relative), hence every indicator."""
    from yiwang.insights.indicators import evaluate

    for name, value in stored.items():
        other = direct.get(name, 0)
        if isinstance(value, float) or isinstance(other, float):
            assert math.isclose(value, other, rel_tol=1e-9, abs_tol=1e-9), (label, name, value, other)
        else:
            assert value == other, (label, name, value, other)
    assert evaluate(stored) == evaluate(direct), label


def _direct(scope, period) -> tuple[float, dict]:
    """count_cases over the scope and period, straight from the cases: (seconds, counters)."""
    from yiwang.insights.counting import count_cases
    from yiwang.insights.models import COUNTERS

    where = {}
    if scope.region is not None:
        where["region__path__startswith"] = scope.region.path
    if scope.department_id is not None:
        where["department_id"] = scope.department_id
    started = time.perf_counter()
    found = count_cases(start=period.start, end=period.end, group=(), by_day=False, where=where)
    took = time.perf_counter() - started
    return took, found.get((None,), dict.fromkeys(COUNTERS, 0))


SLOWEST = {}  # the slowest figure so far: {"label", "p95", "call"}


def _figure(label: str, call, times: int, figure: str) -> tuple[float, dict]:
    runs, result, cpu = _timed(call, times)
    p95 = _line(label, runs, cpu)
    if p95 > SLOWEST.get("p95", 0):
        SLOWEST.update(label=f"{figure}, {label}", p95=p95, call=call)
    return p95, result


def _compare(label: str, stored: dict, scope, period, p95_ms: float, check: bool, results: list) -> None:
    took, direct = _direct(scope, period)
    print(f"  {'straight from the cases (count_cases)':<44} {took * 1000:12.1f} ms (1 run)")
    verdict = "met" if p95_ms <= TARGET_S * 1000 else "NOT met"
    agreed = ""
    if check:
        _agree(stored, direct, label)
        agreed = "; both agree on every counter and indicator"
    print(f"  ratio direct / stored (p95) {took * 1000 / p95_ms:,.0f}×; target ≤ {TARGET_S:.0f} s: {verdict}{agreed}")
    results.append((label, p95_ms, took * 1000, bool(check)))


def _periods():
    """The last full month, quarter and year before the load's day."""
    from django.db.models import Max, Min

    from yiwang.insights.models import DailyFigure
    from yiwang.insights.periods import Period

    bounds = DailyFigure.objects.aggregate(first=Min("day"), last=Max("day"))
    first, last = bounds["first"], bounds["last"]
    month = Period.month_of(last.replace(day=1) - dt.timedelta(days=1))
    quarter = Period.parse(f"{month.start.year}-Q{(month.start.month - 1) // 3 + 1}")
    if quarter.end > last:
        quarter = quarter.previous()
    # A short history (the smoke test's) has no full year: the month's year then, in part.
    year = Period.parse(str(last.year - 1 if first <= dt.date(last.year - 1, 1, 1) else month.start.year))
    return month, quarter, year


def _parts(parts: dict) -> None:
    """Each selector call of a figure timed once more alone: where the figure's time goes."""
    spent = []
    for name, call in parts.items():
        started = time.perf_counter()
        call()
        spent.append(f"{name} {(time.perf_counter() - started) * 1000:.0f}")
    print(f"    one call each (ms): {', '.join(spent)}")


def _overview(actor, scope, period) -> dict:
    from yiwang.insights import selectors

    return {
        "counts": lambda: selectors.counts(actor=actor, scope=scope, period=period),
        "trend": lambda: selectors.trend(actor=actor, scope=scope, period=period),
        "by region": lambda: selectors.breakdown(actor=actor, scope=scope, period=period, by="region"),
        "by department": lambda: selectors.breakdown(actor=actor, scope=scope, period=period, by="department"),
    }


def _drill(actor, scope, period) -> dict:
    from yiwang.insights import selectors

    return {
        "counts": lambda: selectors.counts(actor=actor, scope=scope, period=period),
        "trend": lambda: selectors.trend(actor=actor, scope=scope, period=period),
        "by item": lambda: selectors.breakdown(actor=actor, scope=scope, period=period, by="item"),
    }


def _page(parts: dict):
    """The figure as a staff page reads it: every call in one block planned for its values."""
    from yiwang.core.plans import custom_plans

    def page():
        with custom_plans():
            return tuple(call() for call in parts.values())

    return page


def measure(times: int, direct_kinds: set, results: list, kinds=("month", "quarter", "year")) -> dict:
    """The figures of the periods of `kinds`, each of `direct_kinds` beside count_cases. Returns {label: figures}."""
    from django.db.models import Sum

    from yiwang.accounts.models import User
    from yiwang.insights import selectors
    from yiwang.insights.models import DailyFigure
    from yiwang.org.models import Department, Region

    city, haizhu = Region.objects.get(code="440100"), Region.objects.get(code="440105")
    supervisor = User.objects.get(username="gz-supervisor")
    month, quarter, year = _periods()
    cases = DailyFigure.objects.aggregate(n=Sum("applied"))["n"]
    print(f"{cases:,} cases applied in the figures; {DailyFigure.objects.count():,} figure rows")
    _indicators(city, month)
    seen = {}

    def settle(label, figures, scope, period, p95):
        seen[label] = figures
        if period.kind in direct_kinds:
            _compare(label, figures[0], scope, period, p95, True, results)
        else:
            results.append((label, p95, None, False))

    print("1. the leader's overview of 广州市 (440100): counts + trend + breakdown by region + by department")
    scope = selectors.Scope(region=city)
    for period in (p for p in (month, quarter, year) if p.kind in kinds):
        label = f"overview {period}"
        print(f" {label} ({period.kind}, {period.start} – {period.end - dt.timedelta(days=1)})")
        p95, figures = _figure("stored, public (actor None)", _page(_overview(None, scope, period)), times, label)
        p95_r, restricted = _figure(
            "stored, as gz-supervisor (restrict())", _page(_overview(supervisor, scope, period)), times, label
        )
        _parts(_overview(supervisor, scope, period))
        assert _same(restricted, figures), "the city's supervisor sees the whole city"
        settle(label, figures, scope, period, max(p95, p95_r))

    busiest = (
        DailyFigure.objects.filter(region=haizhu, day__gte=year.start, day__lt=year.end)
        .values("department_id")
        .annotate(n=Sum("applied"))
        .order_by("-n")
        .first()
    )
    department = Department.objects.get(pk=busiest["department_id"])
    head = User.objects.filter(username=f"hz-{department.kind.lower()}-head").first()
    print(f"2. drill-down into {department.name} (海珠区's busiest): counts + trend + breakdown by item")
    scope = selectors.Scope(region=haizhu, department_id=department.pk)
    for period in (p for p in (month, year) if p.kind in kinds):
        label = f"drill-down {period}"
        print(f" {label} ({period.kind})")
        p95, figures = _figure("stored, public (actor None)", _page(_drill(None, scope, period)), times, label)
        if head is not None:
            p95_h, as_head = _figure(
                f"stored, as {head.username} (restrict())", _page(_drill(head, scope, period)), times, label
            )
            _parts(_drill(head, scope, period))
            assert _same(as_head, figures), "the department's head sees the department"
            p95 = max(p95, p95_h)
        settle(label, figures, scope, period, p95)
    return seen


def _same(a, b) -> bool:
    """Equal, floats within 1e-9 relative (a sum in another order rounds differently)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def _indicators(region, period) -> None:
    """A few of the month's indicators, to show the generated city is a plausible one."""
    from yiwang.insights import selectors

    values = selectors.indicators(actor=None, scope=selectors.Scope(region=region), period=period)
    shown = ("online_rate", "on_time_rate", "early_rate", "satisfaction_rate", "first_time_accepted_rate")
    print(f"  {period} in {region.name}: " + ", ".join(f"{code} {values[code]:.3f}" for code in shown))


def explain_slowest() -> None:
    """The slowest figure's slowest query, with EXPLAIN ANALYZE, when a figure missed the target."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if SLOWEST.get("p95", 0) <= TARGET_S * 1000:
        return
    with CaptureQueriesContext(connection) as captured:
        SLOWEST["call"]()
    query = max(captured.captured_queries, key=lambda q: float(q["time"]))
    print(f"slowest: {SLOWEST['label']} (p95 {SLOWEST['p95']:.0f} ms); its slowest query took {query['time']} s:")
    print(f"  {query['sql']}")
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
        for (line,) in cur.fetchall():
            print(f"    {line}")


def measure_rebuild(sample: int) -> None:
    """The worker's incremental cost again on this run's database: the last `sample` days rebuilt, each with its
    month's roll-up (what the sweep does for a day a case touched)."""
    from django.db.models import Max

    from yiwang.insights.models import DailyFigure
    from yiwang.insights.services import _rebuild

    last = DailyFigure.objects.aggregate(m=Max("day"))["m"]
    spent = []
    for n in range(sample):
        day = last - dt.timedelta(days=n)
        started = time.perf_counter()
        rows = _rebuild([day])
        spent.append((day, time.perf_counter() - started, rows))
    line = ", ".join(f"{day:%m-%d} {s:.2f} s ({rows} rows)" for day, s, rows in spent)
    print(f"3. one day's rebuild (the worker's incremental cost), the last {sample} days: {line}")


def measure_pages(times: int) -> None:
    """The staff pages themselves through Django's test client (no network): the city's overview as gz-supervisor
    and the busiest 海珠区 department's page, for the month and the year, rendered whole."""
    from django.db.models import Sum
    from django.test import Client

    from yiwang.accounts.models import User
    from yiwang.insights.models import MonthlyFigure
    from yiwang.org.models import Department

    month, _quarter, year = _periods()
    busiest = (
        MonthlyFigure.objects.filter(region__code="440105", month__gte=year.start, month__lt=year.end)
        .values("department_id")
        .annotate(n=Sum("applied"))
        .order_by("-n")
        .first()
    )
    department = Department.objects.get(pk=busiest["department_id"])
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="gz-supervisor"))
    print("4. the HTTP pages as gz-supervisor (rendered whole, test client)")
    for url in (
        f"/workbench/insights/?period={month}",
        f"/workbench/insights/?period={year}",
        f"/workbench/insights/departments/{department.code}/?period={month}",
        f"/workbench/insights/departments/{department.code}/?period={year}",
    ):
        assert client.get(url).status_code == 200, url
        runs, _answer, cpu = _timed(lambda url=url: client.get(url), times)
        _line(url, runs, cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=730, help="days of receipts before the load")
    parser.add_argument("--materials-share", type=float, default=1.0, help="share of cases with materials stored")
    parser.add_argument("--repeat", type=int, default=10, help="timed calls per stored figure")
    parser.add_argument(
        "--direct", default="month,quarter,year", help="periods counted straight from the cases too (comma-separated)"
    )
    parser.add_argument("--rebuild-sample", type=int, default=5, help="days rebuilt again to time the worker")
    parser.add_argument("--reload", action="store_true", help="rebuild the database even if it holds the cases")
    parser.add_argument("--rebuild-part", help=argparse.SUPPRESS)
    parser.add_argument("--rebuild-from", help=argparse.SUPPRESS)
    parser.add_argument("--rebuild-to", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rebuild_part:
        _rebuild_part(args.rebuild_part, args.rebuild_from, args.rebuild_to)
        return
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        sys.exit("bench_insights_scale runs on PostgreSQL only: set DATABASE_URL=postgresql://…")
    if "127.0.0.1" not in url and "localhost" not in url:
        sys.exit("bench_insights_scale measures a database on this machine only (127.0.0.1)")
    load(url, args.cases, args.days, args.materials_share, args.reload)
    print(
        f"machine: {os.cpu_count()} cores, shared with other sessions' work: wall-clock figures, compare within the run"
    )
    results = []
    measure(args.repeat, {k.strip() for k in args.direct.split(",") if k.strip()}, results)
    measure_rebuild(args.rebuild_sample)
    measure_pages(args.repeat)
    explain_slowest()
    print("summary (p95 of the stored figures beside one count straight from the cases)")
    for label, stored, direct, checked in results:
        straight = f"{direct / 1000:9.1f} s" if direct is not None else "      —  "
        print(f"  {label:<22} stored {stored:8.1f} ms   direct {straight}   {'agree' if checked else ''}")


if __name__ == "__main__":
    main()
