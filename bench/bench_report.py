"""12345 monthly report benchmark: hotline.report.monthly_report for one month of one district, against a naive
Python computation of the same figures, in the same run, on PostgreSQL.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/yiwang_report_bench \
        .venv/bin/python bench/bench_report.py [--orders 1000000] [--months 12] [--repeat 3] [--seed 12]

Builds a fresh PostgreSQL database (DATABASE_URL, dropped and recreated), loads the reference organisation and
catalog, the hotline's categories and the shipped demo grid of 海珠区, then writes --orders work orders with COPY
(psycopg), spread evenly over --months months ending with November 2026, and their assignments:
- district: 海珠区 85 %, the other counties 15 % (the report is of 海珠区);
- category: Zipf-like over the leaves (the first few leaves take most orders), kind by category family;
- place: 82 % of 海珠区's orders located in a grid cell (cells weighted Zipf-like, the point near the cell's
  centroid), the rest unlocated; descriptions from a few templates per leaf with a house number, so repeats exist;
- status: 70 % closed, 6 % replied, 8 % signed, 4 % dispatched, 4 % returned, 4 % received, 4 % answered directly;
  an order past reception has a lead assignment to the district's department of its category's kind (10 % also a
  协办 department), signed within 0–4 h against a 2 h limit, answered within 0–8 days against 5, returned
  orders an assignment returned; closed ones a callback (满意 78 %, 基本满意 14 %, 不满意 then 重办 8 %).

yiwang: monthly_report(region=海珠区, month=2026-11), each run from a cold Python side (new report, same
connection), best and median of --repeat runs after ANALYZE.

naive: what an implementation without aggregate queries does: read the month's orders of the district with
their assignments (one query each, prefetch_related), then count every figure of the totals, kinds, categories,
places (cells mapped through one GridCell query) and departments in Python loops. Hotspots are not part of it
(they are the same code on both sides). Both sides must agree on the totals and the per-department counts.
"""

import argparse
import datetime as dt
import functools
import io
import os
import random
import statistics
import sys
import time
import zoneinfo
from collections import Counter, defaultdict

from _setup import catalog_database

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/yiwang_report_bench"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
LAST_MONTH = dt.date(2026, 11, 1)
STATUSES = [
    ("closed", 70),
    ("replied", 6),
    ("signed", 8),
    ("dispatched", 4),
    ("returned", 4),
    ("received", 4),
    ("answered", 4),
]
KINDS = {"complaint": 45, "help": 25, "consult": 15, "report": 7, "suggestion": 6, "praise": 2}
TEMPLATES = [
    "{road}{n}号门口每天早上有人占道经营，行人只能走机动车道",
    "{road}{n}号附近夜间噪音很大，影响休息，请尽快处理",
    "{road}{n}号小区垃圾堆放多日无人清运，气味难闻",
    "{road}{n}号楼下路面积水严重，雨后无法通行",
    "{road}{n}号商铺油烟直排，楼上住户无法开窗",
]
ROADS = ["宝业路", "南洲路", "工业大道", "江南大道", "昌岗路", "新港西路", "滨江东路", "赤岗路"]


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def _zipf_weights(n: int) -> list[float]:
    return [1 / (i + 1) ** 0.9 for i in range(n)]


def _tsv(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def _setup() -> dict:
    seconds = catalog_database(DEFAULT_URL)
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench_report runs on PostgreSQL only: set DATABASE_URL=postgresql://…")
    from yiwang.grid.reference import load_grid
    from yiwang.hotline.reference import load_hotline_reference

    started = time.perf_counter()
    load_hotline_reference()
    cells = load_grid()
    print(
        f"database: {connection.vendor}; schema and catalog in {seconds:.1f} s, hotline categories and {cells} grid "
        f"cells in {time.perf_counter() - started:.1f} s"
    )


def _generate(total: int, months: int, seed: int) -> None:
    from django.db import connection

    from yiwang.grid.models import GridCell
    from yiwang.hotline.models import Category
    from yiwang.hotline.repeats import terms_of
    from yiwang.org.models import Department, Region

    rng = random.Random(seed)
    haizhu = Region.objects.get(code="440105")
    others = list(Region.objects.filter(level=Region.Level.COUNTY).exclude(pk=haizhu.pk))
    leaves = list(Category.objects.filter(parent__isnull=False).select_related("parent").order_by("code"))
    rng.shuffle(leaves)
    leaf_weights = _zipf_weights(len(leaves))
    cells = list(GridCell.objects.order_by("code").values_list("code", "centroid_lon", "centroid_lat"))
    rng.shuffle(cells)
    cell_weights = _zipf_weights(len(cells))
    departments: dict[int, dict[str, int]] = defaultdict(dict)
    any_department: dict[int, list[int]] = defaultdict(list)
    for pk, region_id, kind in Department.objects.values_list("pk", "region_id", "kind"):
        departments[region_id][kind] = pk
        any_department[region_id].append(pk)
    regions = [haizhu.pk] + [r.pk for r in others]
    # The months, oldest first, ending with LAST_MONTH; every order lands in one of them, evenly.
    firsts = [LAST_MONTH]
    while len(firsts) < months:
        last = firsts[0]
        firsts.insert(0, dt.date(last.year - (last.month == 1), (last.month - 2) % 12 + 1, 1))
    spans = []
    for first in firsts:
        start = dt.datetime(first.year, first.month, 1, tzinfo=SHANGHAI)
        nxt = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
        spans.append((start, (dt.datetime(nxt.year, nxt.month, 1, tzinfo=SHANGHAI) - start).total_seconds()))

    # The words intake stores with each order (WorkOrder.terms); the texts repeat, so each is segmented once.
    terms = functools.cache(terms_of)
    orders, assignments = io.StringIO(), io.StringIO()
    assignment_id = 0
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM hotline_workorder")
        first_id = cursor.fetchone()[0] + 1
    raw = connection.connection  # the psycopg connection Django holds

    def flush():
        with raw.cursor() as cur:
            with cur.copy(
                "COPY hotline_workorder (id, number, query_code, channel, kind, category_id, region_id, title, "
                "description, address, longitude, latitude, grid_cell_code, caller_name, caller_phone, "
                "caller_id_number, confidential, urgency, handling, status, reopened_count, returned_count, sign_due, "
                "reply_due, warn_at, created_at, created_by_id, closed_at, satisfaction, terms) FROM STDIN"
            ) as copy:
                copy.write(orders.getvalue())
            with cur.copy(
                "COPY hotline_assignment (id, order_id, department_id, lead, status, dispatched_at, signed_at, "
                "sign_due, reply_due, returned_at, return_reason, reply, outcome, replied_at) FROM STDIN"
            ) as copy:
                copy.write(assignments.getvalue())
        raw.commit()
        orders.seek(0), orders.truncate()
        assignments.seek(0), assignments.truncate()

    for i in range(total):
        pk = first_id + i
        start, seconds = spans[i * len(spans) // total]
        created = start + dt.timedelta(seconds=rng.random() * seconds)
        region_id = haizhu.pk if rng.random() < 0.85 else rng.choice(regions[1:])
        leaf = rng.choices(leaves, leaf_weights)[0]
        status = _weighted(rng, STATUSES)
        kind = "consult" if status == "answered" else _weighted(rng, KINDS.items())
        if status == "answered":
            status = "closed"
            direct = True
        else:
            direct = False
        lon = lat = None
        cell_code, address = "", ""
        if region_id == haizhu.pk and rng.random() < 0.82:
            cell_code, cx, cy = rng.choices(cells, cell_weights)[0]
            lon, lat = round(cx + rng.uniform(-3e-4, 3e-4), 6), round(cy + rng.uniform(-3e-4, 3e-4), 6)
        road, n = rng.choice(ROADS), rng.randint(1, 40)
        description = rng.choice(TEMPLATES).format(road=road, n=n)
        if lon is not None:
            address = f"海珠区{road}{n}号"
        reopened = returned = 0
        sign_due = reply_due = closed_at = None
        satisfaction = ""
        handled = status != "received" and not direct
        if handled:
            dispatched_at = created + dt.timedelta(minutes=rng.randint(5, 240))
            sign_due = dispatched_at + dt.timedelta(hours=2)
            reply_due = dispatched_at + dt.timedelta(days=5)
            kind_of = leaf.department_kind or leaf.parent.department_kind
            lead_dept = departments[region_id].get(kind_of) or rng.choice(any_department[region_id])
            rows = []
            if status == "returned":
                returned = 1
                rows.append((lead_dept, True, "returned", None, None, dispatched_at + dt.timedelta(hours=1)))
            else:
                signed_at = (
                    dispatched_at + dt.timedelta(minutes=rng.randint(5, 240)) if status != "dispatched" else None
                )
                replied_at = None
                if status in ("replied", "closed"):
                    replied_at = signed_at + dt.timedelta(hours=rng.randint(1, 8 * 24))
                a_status = {"dispatched": "dispatched", "signed": "signed"}.get(status, "replied")
                rows.append((lead_dept, True, a_status, signed_at, replied_at, None))
                if rng.random() < 0.1:
                    helper = rng.choice(any_department[region_id])
                    if helper != lead_dept:
                        rows.append((helper, False, a_status, signed_at, replied_at, None))
                if status == "closed":
                    closed_at = (replied_at or dispatched_at) + dt.timedelta(hours=rng.randint(2, 48))
                    satisfaction = _weighted(rng, [("satisfied", 78), ("basic", 14), ("dissatisfied", 8)])
                    if satisfaction == "dissatisfied":
                        reopened, satisfaction = 1, _weighted(rng, [("satisfied", 1), ("basic", 1)])
            for dept, lead, a_status, signed_at, replied_at, returned_at in rows:
                assignment_id += 1
                assignments.write(
                    "\t".join(
                        _tsv(v)
                        for v in (
                            assignment_id,
                            pk,
                            dept,
                            lead,
                            a_status,
                            dispatched_at,
                            signed_at,
                            sign_due,
                            reply_due,
                            returned_at,
                            "",
                            "",
                            "solved" if replied_at else "",
                            replied_at,
                        )
                    )
                    + "\n"
                )
        elif direct:
            closed_at = created + dt.timedelta(minutes=5)
        orders.write(
            "\t".join(
                _tsv(v)
                for v in (
                    pk,
                    f"B{pk:010d}",
                    f"{rng.randint(0, 999999):06d}",
                    "phone",
                    kind,
                    leaf.pk,
                    region_id,
                    leaf.name,
                    description,
                    address,
                    lon,
                    lat,
                    cell_code,
                    "",
                    f"138{rng.randint(0, 99999999):08d}",
                    "",
                    False,
                    "normal",
                    "rectification" if handled else "",
                    status,
                    reopened,
                    returned,
                    sign_due,
                    reply_due,
                    None,
                    created,
                    None,
                    closed_at,
                    satisfaction,
                    terms(description, address),
                )
            )
            + "\n"
        )
        if (i + 1) % 50_000 == 0:
            flush()
    flush()
    with connection.cursor() as cursor:
        for table in ("hotline_workorder", "hotline_assignment"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
        cursor.execute("ANALYZE hotline_workorder")
        cursor.execute("ANALYZE hotline_assignment")
    print(
        f"generated {total:,} orders and {assignment_id:,} assignments over {months} months "
        f"in {time.perf_counter() - started:.1f} s (COPY)"
    )


def naive(region, month: dt.date, as_of: dt.datetime) -> dict:
    """The figures computed by reading every order of the month (with its assignments) into Python."""
    from django.db.models import Prefetch

    from yiwang.grid.models import GridCell
    from yiwang.hotline.models import Assignment, WorkOrder
    from yiwang.hotline.report import month_bounds, region_ids_of

    start, end = month_bounds(month)
    orders = WorkOrder.objects.filter(
        region_id__in=region_ids_of(region), created_at__gte=start, created_at__lt=end
    ).prefetch_related(Prefetch("assignments", queryset=Assignment.objects.select_related("department")))
    orders = orders.select_related("category__parent")
    totals = Counter()
    kinds, leaves, tops, cells = Counter(), Counter(), Counter(), Counter()
    departments: dict[str, Counter] = defaultdict(Counter)
    # In chunks: the prefetch of a whole month at a million orders would pass more than 65,535 parameters.
    for order in orders.iterator(chunk_size=10_000):
        totals["received"] += 1
        closed = order.status == "closed"
        totals["closed"] += closed
        assignments = list(order.assignments.all())
        totals["dispatched"] += bool(assignments)
        totals["returned"] += order.returned_count > 0
        totals["reopened_closed"] += closed and order.reopened_count > 0
        totals["callbacks"] += order.satisfaction != ""
        totals["satisfied"] += order.satisfaction in ("satisfied", "basic")
        kinds[order.kind] += 1
        leaves[order.category.code] += 1
        tops[(order.category.parent or order.category).code] += 1
        cells[order.grid_cell_code] += 1
        for a in assignments:
            d = departments[a.department.name]
            d["dispatched"] += 1
            d["signed_on_time"] += a.signed_at is not None and a.signed_at <= a.sign_due
            d["replied"] += a.replied_at is not None
            d["replied_on_time"] += a.replied_at is not None and a.replied_at <= a.reply_due
            d["overdue"] += a.replied_at is None and a.status in ("dispatched", "signed") and a.reply_due < as_of
            d["returned"] += a.returned_at is not None
            led = a.lead and a.status in ("signed", "replied")
            d["callbacks"] += led and order.satisfaction != ""
            d["satisfied"] += led and order.satisfaction in ("satisfied", "basic")
            answered_closed = a.lead and a.status == "replied" and closed
            d["closed"] += answered_closed
            d["reopened"] += answered_closed and order.reopened_count > 0
    mapping = {c.code: c for c in GridCell.objects.filter(code__in=list(cells)).select_related("community__parent")}
    streets = Counter()
    for code, n in cells.items():
        cell = mapping.get(code)
        streets[cell.community.parent.name if cell else "—"] += n
    return {"totals": dict(totals), "departments": {k: dict(v) for k, v in departments.items()}, "streets": streets}


def _timed(function, repeat: int) -> tuple[list[float], object]:
    runs, result = [], None
    for _i in range(repeat):
        started = time.perf_counter()
        result = function()
        runs.append(time.perf_counter() - started)
    return runs, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--reuse", action="store_true", help="time against the database a previous run left")
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if args.reuse:
        os.environ["DJANGO_SETTINGS_MODULE"] = "yiwang.config.settings.dev"
        os.environ["DEBUG"] = "0"
        import django

        django.setup()
        from yiwang.hotline.models import WorkOrder as _Order

        args.orders = _Order.objects.count()
    else:
        _setup()
        _generate(args.orders, args.months, args.seed)
    # jieba's dictionary loads once per process (the web and worker processes have it from the catalog search);
    # load it before timing, so the figures are the steady state, not a process's first call.
    from yiwang.catalog.search import words

    words("预热")

    from django.utils import timezone

    from yiwang.hotline.models import WorkOrder
    from yiwang.hotline.report import month_bounds, monthly_report
    from yiwang.org.models import Region

    haizhu = Region.objects.get(code="440105")
    as_of = timezone.now()
    start, end = month_bounds(LAST_MONTH)
    in_month = WorkOrder.objects.filter(region=haizhu, created_at__gte=start, created_at__lt=end).count()
    print(f"report: 海珠区 {LAST_MONTH:%Y-%m}, {in_month:,} orders in the month of {args.orders:,}")

    fast_runs, fast = _timed(lambda: monthly_report(region=haizhu, month=LAST_MONTH, as_of=as_of), args.repeat)
    slow_runs, slow = _timed(lambda: naive(haizhu, LAST_MONTH, as_of), max(1, min(args.repeat, 2)))

    totals = fast.data["totals"]
    for key, value in slow["totals"].items():
        assert totals[key] == value, (key, totals[key], value)
    for row in fast.data["departments"][:-1]:
        counted = slow["departments"][row["name"]]
        for key in ("dispatched", "signed_on_time", "replied_on_time", "overdue", "returned", "callbacks", "reopened"):
            assert row[key] == counted.get(key, 0), (row["name"], key, row[key], counted.get(key, 0))
    best_fast, best_slow = min(fast_runs), min(slow_runs)
    print(
        f"yiwang monthly_report     best {best_fast:.3f} s, median {statistics.median(fast_runs):.3f} s "
        f"over {len(fast_runs)} runs ({len(fast.data['hotspots'])} hotspots, {len(fast.data['departments']) - 1} "
        "departments)"
    )
    print(
        f"naive Python loops        best {best_slow:.3f} s, median {statistics.median(slow_runs):.3f} s "
        f"over {len(slow_runs)} runs (without hotspots)"
    )
    print(f"ratio naive / yiwang      {best_slow / best_fast:.1f}×")
    print("both agree on the totals and the per-department counts")


if __name__ == "__main__":
    main()
