"""12345 at scale (issue #12): the dispatcher's queues, Open311 `requests.json` with filters and the monthly report,
on PostgreSQL with 1,000,000 work orders and about 3,000 grid cells, each beside a naive baseline in the same run.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/yiwang_bench_hotline PYTHONPATH=src \\
        .venv/bin/python bench/bench_hotline_scale.py [--orders 1000000] [--cells 3000] [--requests 40] [--reload]

The loader (load()) fills a dedicated database in SQL, without the ORM: when DATABASE_URL's database already holds
--orders work orders it is reused (migrations applied, nothing reloaded); otherwise, or with --reload, it is
dropped and recreated: schema, reference organisation and catalog, the hotline's categories, the personas, the
shipped grid's streets and communities with the grid redrawn as about --cells square cells (the district's
outline cut by a lattice, bench_grid's generator, each cell under the community its centre lies in), then the
orders by one `INSERT … SELECT generate_series` into a staging table and three inserts from it:
- time: over the 365 days ending 8 hours before the load; status drawn first, then the age it implies: 81 % closed after
  dispatch and 12 % answered directly (any age), 2 % replied awaiting the callback and 3 % signed (the last 10
  days), 0.8 % dispatched and 0.4 % returned (the last 3 days), 0.4 % received (the last day); so some open
  orders are yellow and some red (limits: sign 2 h, reply 7 days after dispatch, warn_at as hotline.clock);
- district: 海珠区 85 %, the other counties 15 %; category skewed over the leaves; 82 % of 海珠区's orders
  at a point near a grid cell's centre (cells skewed too), with the cell's code; 3 % confidential;
- an order past reception has a lead assignment to its district's department of its category's kind (10 % a 协办
  too), returned orders a returned assignment; closed ones a callback (重办 8 %); 2 % of the signed orders
  a pending extension request; each order a timeline row for its taking and one for its latest step.

Measured, each side --requests times (the naive side fewer, it is slow) after one untimed warm-up, p50/p95:
1. the dispatcher's queue, every key of hotline.selectors.QUEUES: the selector `queue(operator, key)` and the page
   GET /workbench/hotline/queue/<key>/ through Django's test Client as hz-12345-operator (rendering included).
   naive: the same filter evaluated in Python: every order of the operator's district read (the fields the
   filter and the order need), filtered and sorted in Python, the first 200 read with their categories.
2. Open311 GET /open311/v2/requests.json with filters (service_code, status, start_date/end_date, bbox) through
   the test Client. naive: the same filters evaluated in Python over every published order's fields, the page's
   rows then read by primary key with the same annotations.
3. hotline.report.monthly_report for 海珠区's last full month, beside bench_report's naive Python pass.
Both sides must answer the same rows (and the report the same totals). The figures are wall-clock on the 2-core
machine the other sessions share, in one process beside its database; each line also gives the CPU per call of
this process and of its PostgreSQL backend (/proc), which waiting for a busy machine's cores does not inflate.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import backend_cpu_ms, bulk_load, catalog_database, percentiles

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/yiwang_bench_hotline"
TARGET_MS = 50
REPORT_TARGET_S = 2.0
OPERATOR = "hz-12345-operator"
ROADS = ["宝业路", "南洲路", "工业大道", "江南大道", "昌岗路", "新港西路", "滨江东路", "赤岗路"]
TEMPLATES = [
    "%s%s号门口每天早上有人占道经营，行人只能走机动车道",
    "%s%s号附近夜间噪音很大，影响休息，请尽快处理",
    "%s%s号小区垃圾堆放多日无人清运，气味难闻",
    "%s%s号楼下路面积水严重，雨后无法通行",
    "%s%s号商铺油烟直排，楼上住户无法开窗",
]


# --- the loader ---------------------------------------------------------------------------------------------------


def _django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "yiwang.config.settings.dev"
    os.environ["DEBUG"] = "0"
    import django

    django.setup()


def _loaded_orders(url: str) -> int | None:
    """How many work orders the database holds; None when it does not exist or has no hotline tables."""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM hotline_workorder").fetchone()[0]
    except psycopg.Error:
        return None


def _redraw_grid(wanted: int) -> int:
    """The shipped grid's cells replaced by about `wanted` lattice cells, each under the community of the
    shipped cell holding its centre (the nearest shipped cell's when none does)."""
    from bench_grid import _fine_grid, _outline
    from shapely.geometry import Polygon, mapping
    from shapely.geometry.polygon import orient

    from yiwang.grid import selectors
    from yiwang.grid.models import GridCell

    shipped = list(GridCell.objects.select_related("community"))
    index = selectors.cell_index()
    centres = [(c.centroid_lon, c.centroid_lat, c.community) for c in shipped]
    cells = _fine_grid(_outline(), wanted)
    holders = index.locate([p.centroid.x for p in cells], [p.centroid.y for p in cells])
    made, numbers = [], {}
    for polygon, holder in zip(cells, holders, strict=True):
        if holder >= 0:
            community = index.items[holder].community
        else:
            x, y = polygon.centroid.x, polygon.centroid.y
            community = min(centres, key=lambda c: (c[0] - x) ** 2 + (c[1] - y) ** 2)[2]
        numbers[community.code] = numbers.get(community.code, 0) + 1
        cell = GridCell(
            code=f"{community.code}-{numbers[community.code]:03d}",
            name=f"{community.name}第{numbers[community.code]}网格",
            community=community,
        )
        # A cell has no hole (grid.geometry): the lattice square's outer ring, counter-clockwise as GeoJSON wants.
        ring = mapping(orient(Polygon(polygon.exterior.coords), 1.0))
        cell.set_polygon({"type": "Polygon", "coordinates": [[list(point) for point in ring["coordinates"][0]]]})
        made.append(cell)
    GridCell.objects.all().delete()
    GridCell.objects.bulk_create(made, batch_size=1000)
    return len(made)


STAGE = """
CREATE UNLOGGED TABLE bench_stage AS
WITH draw AS (
    SELECT g AS draw, random() AS r_status, random() AS r_age, random() AS r_region, random() AS r_leaf,
           random() AS r_cell, random() AS r_place, random() AS r_kind, random() AS r_help, random() AS r_helper,
           random() AS r_sat, random() AS r_x, random() AS r_y, random() AS r_t1, random() AS r_t2, random() AS r_t3,
           random() AS r_t4, random() AS r_conf, random() AS r_ext, random() AS r_handling
    FROM generate_series(1, %(orders)s) g
), status AS (
    SELECT d.*,
           CASE WHEN r_status < 0.004 THEN 'received' WHEN r_status < 0.012 THEN 'dispatched'
                WHEN r_status < 0.016 THEN 'returned' WHEN r_status < 0.046 THEN 'signed'
                WHEN r_status < 0.066 THEN 'replied' WHEN r_status < 0.186 THEN 'answered' ELSE 'closed' END AS st
    FROM draw d
), aged AS (
    SELECT s.*,
           %(t0)s::timestamptz - interval '8 hours' - make_interval(secs => r_age * 86400 * CASE st
               WHEN 'received' THEN 1 WHEN 'dispatched' THEN 3 WHEN 'returned' THEN 3 WHEN 'signed' THEN 10
               WHEN 'replied' THEN 10 ELSE 365 END) AS created,
           CASE WHEN r_region < 0.85 THEN %(haizhu)s
                ELSE (SELECT id FROM bench_region r WHERE r.i = floor(s.r_region * 1000)::int %% %(regions)s)
           END AS region_id
    FROM status s
)
-- Numbered in the order received, as a live table's rows are: the primary key and the heap follow created_at, so a
-- month's orders sit together (numbered at random, a month's 100,000 orders were spread over nine pages in ten).
SELECT row_number() OVER (ORDER BY a.created, a.draw) AS id, a.*, l.id AS leaf_id, l.name AS leaf_name, l.dkind,
       CASE WHEN a.region_id = %(haizhu)s AND a.r_place < 0.82 THEN c.code END AS cell_code,
       CASE WHEN a.region_id = %(haizhu)s AND a.r_place < 0.82 THEN round((c.lon + (a.r_x - 0.5) * 6e-4)::numeric, 6)
       END AS lon,
       CASE WHEN a.region_id = %(haizhu)s AND a.r_place < 0.82 THEN round((c.lat + (a.r_y - 0.5) * 6e-4)::numeric, 6)
       END AS lat,
       a.st NOT IN ('received', 'answered') AS handled,
       a.created + make_interval(mins => 5 + floor(a.r_t1 * 235)::int) AS dispatched_at
FROM aged a
JOIN bench_leaf l ON l.i = floor(power(a.r_leaf, 2.2) * %(leaves)s)::int
JOIN bench_cell c ON c.i = floor(power(a.r_cell, 2.0) * %(cells)s)::int
"""

TIMES = """
CREATE UNLOGGED TABLE bench_order AS
SELECT s.*, s.dispatched_at + interval '2 hours' AS sign_due, s.dispatched_at + interval '7 days' AS reply_due,
       CASE WHEN s.st IN ('signed', 'replied', 'closed')
            THEN least(s.dispatched_at + make_interval(mins => 5 + floor(s.r_t2 * 235)::int), %(t0)s::timestamptz)
       END AS signed_at,
       CASE WHEN s.st IN ('replied', 'closed') AND s.handled
            THEN least(s.dispatched_at + make_interval(hours => 1 + floor(s.r_t3 * 191)::int), %(t0)s::timestamptz)
       END AS replied_at
FROM bench_stage s
"""

ORDERS = """
INSERT INTO hotline_workorder (id, number, query_code, channel, kind, category_id, region_id, title, description,
    address, longitude, latitude, grid_cell_code, caller_name, caller_phone, caller_id_number, confidential, urgency,
    handling, status, reopened_count, returned_count, sign_due, reply_due, warn_at, created_at, created_by_id,
    closed_at, satisfaction, terms)
SELECT o.id, 'B' || lpad(o.id::text, 10, '0'), lpad(floor(o.r_t4 * 1000000)::int::text, 6, '0'), 'phone',
    CASE WHEN o.st = 'answered' THEN 'consult'
         WHEN o.r_kind < 0.45 THEN 'complaint' WHEN o.r_kind < 0.70 THEN 'help' WHEN o.r_kind < 0.85 THEN 'consult'
         WHEN o.r_kind < 0.92 THEN 'report' WHEN o.r_kind < 0.98 THEN 'suggestion' ELSE 'praise' END,
    o.leaf_id, o.region_id, o.leaf_name,
    format((%(templates)s::text[])[1 + floor(o.r_x * 5)::int], (%(roads)s::text[])[1 + floor(o.r_y * 8)::int], 1 + floor(o.r_t4 * 40)),
    CASE WHEN o.lon IS NOT NULL THEN '海珠区' || (%(roads)s::text[])[1 + floor(o.r_y * 8)::int] || (1 + floor(o.r_t4 * 40))
         || '号' ELSE '' END,
    o.lon, o.lat, coalesce(o.cell_code, ''), '', '138' || lpad(floor(o.r_t1 * 100000000)::bigint::text, 8, '0'), '',
    o.r_conf < 0.03, 'normal',
    CASE WHEN NOT o.handled THEN ''
         WHEN o.r_handling < 0.15 THEN 'seasonal' WHEN o.r_handling < 0.20 THEN 'chronic'
         WHEN o.r_handling < 0.90 THEN 'rectification' ELSE 'surge' END,
    CASE WHEN o.st = 'answered' THEN 'closed' ELSE o.st END,
    CASE WHEN o.st = 'closed' AND o.handled AND o.r_sat >= 0.92 THEN 1 ELSE 0 END,
    CASE WHEN o.st = 'returned' THEN 1 ELSE 0 END,
    CASE WHEN o.handled THEN o.sign_due END, CASE WHEN o.handled THEN o.reply_due END,
    CASE WHEN o.st = 'dispatched' THEN o.dispatched_at + interval '96 minutes'
         WHEN o.st = 'signed' THEN o.dispatched_at + interval '7 days' * 0.8 END,
    o.created, NULL,
    CASE WHEN o.st = 'answered' THEN o.created + interval '5 minutes'
         WHEN o.st = 'closed' THEN least(o.replied_at + make_interval(hours => 2 + floor(o.r_t4 * 46)::int),
                                         %(t0)s::timestamptz) END,
    CASE WHEN o.st <> 'closed' OR NOT o.handled THEN ''
         WHEN o.r_sat < 0.78 THEN 'satisfied' WHEN o.r_sat < 0.92 THEN 'basic'
         WHEN o.r_sat < 0.96 THEN 'satisfied' ELSE 'basic' END,
    w.terms
FROM bench_order o
JOIN bench_terms w ON w.t = floor(o.r_x * 5)::int AND w.r = floor(o.r_y * 8)::int
    AND w.n = 1 + floor(o.r_t4 * 40)::int AND w.located = (o.lon IS NOT NULL)
ORDER BY o.id
"""

ASSIGNMENTS = """
INSERT INTO hotline_assignment (order_id, department_id, lead, status, dispatched_at, signed_at, sign_due, reply_due,
    returned_at, return_reason, reply, outcome, replied_at)
SELECT o.id, d.department_id, d.lead,
    CASE WHEN o.st = 'returned' THEN 'returned' WHEN o.st IN ('dispatched', 'signed') THEN o.st ELSE 'replied' END,
    o.dispatched_at, o.signed_at, o.sign_due, o.reply_due,
    CASE WHEN o.st = 'returned' THEN o.dispatched_at + interval '1 hour' END, '', '',
    CASE WHEN o.replied_at IS NOT NULL THEN 'solved' ELSE '' END, o.replied_at
FROM bench_order o
JOIN LATERAL (
    SELECT coalesce(
        (SELECT id FROM bench_dept k WHERE k.region_id = o.region_id AND k.kind = o.dkind),
        (SELECT id FROM bench_dept k WHERE k.region_id = o.region_id AND k.i = 0)) AS department_id, true AS lead
    UNION ALL
    SELECT k.id, false FROM bench_dept k
    WHERE o.r_help < 0.1 AND o.st <> 'returned' AND k.region_id = o.region_id
      AND k.i = floor(o.r_helper * k.n)::int AND k.kind IS DISTINCT FROM o.dkind
) d ON true
WHERE o.handled
ORDER BY o.id, d.lead DESC
"""

LOGS = """
INSERT INTO hotline_workorderlog (order_id, at, actor_id, actor_label, action, note)
SELECT o.id, o.created, NULL::bigint, '12345话务员', 'take', '' FROM bench_order o
UNION ALL
SELECT o.id, CASE o.st WHEN 'answered' THEN o.created + interval '5 minutes' WHEN 'dispatched' THEN o.dispatched_at
    WHEN 'returned' THEN o.dispatched_at + interval '1 hour' WHEN 'signed' THEN o.signed_at
    WHEN 'replied' THEN o.replied_at ELSE least(o.replied_at + interval '2 hours', %(t0)s::timestamptz) END,
    NULL, '承办部门',
    CASE o.st WHEN 'answered' THEN 'answer' WHEN 'dispatched' THEN 'dispatch' WHEN 'returned' THEN 'return'
        WHEN 'signed' THEN 'sign' WHEN 'replied' THEN 'reply' ELSE 'close' END, ''
FROM bench_order o WHERE o.st <> 'received'
ORDER BY 2
"""

EXTENSIONS = """
INSERT INTO hotline_extensionrequest (assignment_id, days, reason, status, requested_by_id, requested_at,
    decided_by_id, decided_at, decision_note)
SELECT a.id, 3, '需要现场核实，申请延期', 'pending', %(liaison)s, a.signed_at + interval '1 day', NULL, NULL, ''
FROM bench_order o JOIN hotline_assignment a ON a.order_id = o.id AND a.lead
WHERE o.st = 'signed' AND o.r_ext < 0.02
"""


LOADED = ("hotline_workorder", "hotline_assignment", "hotline_workorderlog", "hotline_extensionrequest")
SCRATCH = ("bench_stage", "bench_order", "bench_region", "bench_leaf", "bench_cell", "bench_dept", "bench_terms")
NUMBERS = 40  # the house numbers an order's text names: 1 + floor(r_t4 * NUMBERS) in ORDERS


def _words_table(cur) -> None:
    """bench_terms: the words each order stores at intake (hotline.repeats.terms_of), for every text ORDERS can
    write (template × road × number, with or without the address a located order has): a few thousand jieba
    calls here instead of a million, joined into the INSERT … SELECT."""
    from yiwang.hotline.repeats import terms_of

    cur.execute("CREATE UNLOGGED TABLE bench_terms (t int, r int, n int, located boolean, terms text)")
    rows = []
    for t, template in enumerate(TEMPLATES):
        for r, road in enumerate(ROADS):
            for n in range(1, NUMBERS + 1):
                description = template % (road, n)
                for located in (False, True):
                    address = f"海珠区{road}{n}号" if located else ""
                    rows.append((t, r, n, located, terms_of(description, address)))
    cur.executemany("INSERT INTO bench_terms VALUES (%s, %s, %s, %s, %s)", rows)


def _generate(orders: int) -> dict:
    """The orders, their assignments, timeline rows and extension requests, in SQL; returns the counts."""
    from django.db import connection

    from yiwang.grid.models import GridCell
    from yiwang.org.models import Region

    t0 = dt.datetime.now(dt.UTC).replace(microsecond=0)
    haizhu = Region.objects.get(code="440105").pk
    liaison = _user_id("hz-urban-liaison")
    params = {
        "orders": orders,
        "t0": t0,
        "haizhu": haizhu,
        "liaison": liaison,
        "templates": TEMPLATES,
        "roads": ROADS,
    }
    with connection.cursor() as cur:
        for name in SCRATCH:
            cur.execute(f"DROP TABLE IF EXISTS {name}")
        _words_table(cur)
        cur.execute(
            "CREATE UNLOGGED TABLE bench_region AS SELECT (row_number() OVER (ORDER BY code) - 1)::int AS i, id "
            "FROM org_region WHERE level = 'county' AND id <> %s",
            [haizhu],
        )
        cur.execute(
            "CREATE UNLOGGED TABLE bench_leaf AS SELECT (row_number() OVER (ORDER BY md5(c.code)) - 1)::int AS i, "
            "c.id, c.name, coalesce(nullif(c.department_kind, ''), p.department_kind) AS dkind "
            "FROM hotline_category c JOIN hotline_category p ON p.id = c.parent_id "
            "WHERE c.active AND NOT EXISTS (SELECT 1 FROM hotline_category k WHERE k.parent_id = c.id)"
        )
        cur.execute(
            "CREATE UNLOGGED TABLE bench_cell AS SELECT (row_number() OVER (ORDER BY md5(code)) - 1)::int AS i, "
            "code, centroid_lon AS lon, centroid_lat AS lat FROM grid_gridcell"
        )
        cur.execute(
            "CREATE UNLOGGED TABLE bench_dept AS SELECT id, region_id, kind, "
            "(row_number() OVER (PARTITION BY region_id ORDER BY id) - 1)::int AS i, "
            "count(*) OVER (PARTITION BY region_id)::int AS n FROM org_department"
        )
        cur.execute("SELECT count(*) FROM bench_region")
        params["regions"] = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM bench_leaf")
        params["leaves"] = cur.fetchone()[0]
        params["cells"] = GridCell.objects.count()
        return bulk_load(
            cur,
            loaded=LOADED,
            scratch=SCRATCH,
            params=params,
            steps=(
                ("staging draws", STAGE),
                ("staging times", TIMES),
                ("work orders", ORDERS),
                ("assignments", ASSIGNMENTS),
                ("timeline rows", LOGS),
                ("extension requests", EXTENSIONS),
            ),
        )


def _user_id(username: str) -> int:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username).pk


def load(url: str, orders: int, cells: int, reload: bool) -> None:
    """The database ready for measuring: reused when it holds exactly `orders` orders; the orders regenerated
    (reference data kept) when it holds another number; built from nothing when it has no hotline tables or with
    `reload`."""
    held = None if reload else _loaded_orders(url)
    name = url.rsplit("/", 1)[1]
    started = time.perf_counter()
    if held is None:
        seconds = catalog_database(url)
        from django.db import connection

        if connection.vendor != "postgresql":
            sys.exit("bench_hotline_scale runs on PostgreSQL only: set DATABASE_URL=postgresql://…")
        from yiwang.accounts.demo import load_demo_people
        from yiwang.grid.reference import load_grid
        from yiwang.hotline.reference import load_hotline_reference

        load_hotline_reference()
        load_demo_people()
        load_grid()
        drawn = _redraw_grid(cells)
        print(f"database: built {name}; schema, catalog and personas in {seconds:.1f} s, {drawn:,} grid cells")
    else:
        _django(url)
        from django.core.management import call_command
        from django.db import connection

        from yiwang.grid.models import GridCell

        call_command("migrate", interactive=False, verbosity=0)
        if held == orders:
            print(f"database: reused {name} ({held:,} work orders, {GridCell.objects.count():,} grid cells)")
            return
        with connection.cursor() as cur:
            cur.execute("TRUNCATE hotline_workorder CASCADE")
        print(f"database: {name} held {held:,} work orders: regenerated ({GridCell.objects.count():,} grid cells kept)")
    for step, (rows, took) in _generate(orders).items():
        print(f"  {step:<20} {rows:>10,} rows {took:7.1f} s")
    print(f"loaded in {time.perf_counter() - started:.1f} s")


# --- the measurements ---------------------------------------------------------------------------------------------


CPU = {}  # the last _timed's CPU milliseconds per call: {"client": …, "db": …}


def _timed(function, times: int, warm: bool = True) -> tuple[list[float], object]:
    """Milliseconds of `times` calls, after an untimed one when `warm` (a process's first call pays imports and
    caches; the naive side's seconds dwarf that). CPU gets the CPU each call used in this process and in its
    database backend: on a shared machine the wall clock includes waiting for a core, the CPU does not."""
    result = function() if warm else None
    runs = []
    cpu, db = time.process_time(), backend_cpu_ms()
    for _i in range(times):
        started = time.perf_counter()
        result = function()
        runs.append((time.perf_counter() - started) * 1000)
    CPU["client"] = (time.process_time() - cpu) * 1000 / times
    CPU["db"] = (backend_cpu_ms() - db) / times
    return runs, result


def _line(label: str, runs: list[float], note: str = "") -> float:
    p50, p95 = percentiles(runs)
    cpu = f"CPU {CPU['client']:7.1f} + DB {CPU['db']:6.1f} ms/call"
    print(f"  {label:<48} p50 {p50:8.1f} ms  p95 {p95:8.1f} ms  {cpu}  ({len(runs)} runs){note}")
    return p95


def _verdict(p95: float, naive_p95: float) -> str:
    met = "met" if p95 <= TARGET_MS else "NOT met"
    return f"  ratio naive / yiwang (p95) {naive_p95 / p95:,.0f}×; target p95 ≤ {TARGET_MS} ms: {met}"


def naive_queue(region, key: str, now: dt.datetime) -> list[int]:
    """The queue's first page by a Python pass over every order of the district."""
    from yiwang.hotline.models import ExtensionRequest, WorkOrder
    from yiwang.hotline.selectors import QUEUE_PAGE

    rows = WorkOrder.objects.filter(region__path__startswith=region.path).order_by()
    fields = rows.values_list("pk", "status", "warn_at", "created_at")
    if key == "extensions":
        pending = set(ExtensionRequest.objects.filter(status="pending").values_list("assignment__order_id", flat=True))
    wanted = {"pending": "received", "returned": "returned", "callback": "replied"}.get(key)
    found = []
    for pk, status, warn_at, created_at in fields.iterator(chunk_size=20_000):
        if key == "warning":
            if status in WorkOrder.OPEN_STATES and warn_at is not None and warn_at <= now:
                found.append((warn_at, pk))
        elif key == "extensions":
            if pk in pending:
                found.append((created_at, pk))
        elif status == wanted:
            found.append((created_at, pk))
    if key == "warning":
        found.sort()
    else:
        found.sort(reverse=True)
    picked = [pk for _at, pk in found[:QUEUE_PAGE]]
    orders = WorkOrder.objects.filter(pk__in=picked).select_related("category__parent").in_bulk()
    return [orders[pk].pk for pk in picked]


def measure_queue(times: int, naive_times: int) -> dict:
    from django.test import Client
    from django.utils import timezone

    from yiwang.accounts.models import User
    from yiwang.hotline import selectors
    from yiwang.org.models import Region

    operator = User.objects.get(username=OPERATOR)
    region = Region.objects.get(code="440105")
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(operator)
    results = {}
    print(f"1. the dispatcher's queue, as {OPERATOR} (海珠区); {selectors.QUEUE_PAGE} rows a page")
    waiting = {key: n for key, _label, n in selectors.queue_tabs(operator)}
    for key, (label, _condition) in selectors.QUEUES.items():
        now = timezone.now()
        # The user read afresh each time, with their roles, as a request reads it.
        runs, found = _timed(
            lambda key=key, now=now: selectors.queue(User.objects.get(pk=operator.pk), key, now)[0], times
        )
        print(f" {key} ({label}): {waiting[key]:,} orders wait, {len(found)} shown")
        p95 = _line("yiwang selectors.queue", runs)
        url = f"/workbench/hotline/queue/{key}/"

        def page(url=url):
            answer = client.get(url)
            assert answer.status_code == 200, answer.status_code
            return answer

        page_runs, _answer = _timed(page, times)
        page_p95 = _line(f"yiwang GET {url} (rendered)", page_runs)
        slow_runs, slow = _timed(lambda key=key, now=now: naive_queue(region, key, now), naive_times, warm=False)
        naive_p95 = _line("naive: filter in Python over the district", slow_runs)
        assert [o.pk for o in found] == slow, f"{key}: the two sides disagree"
        print(_verdict(max(p95, page_p95), naive_p95))
        results[key] = (p95, page_p95, naive_p95)
    return results


# label -> (service: "top", "rare" or None, status, a 30-day date range, a bounding box)
# A page as a map or list client asks for it with the pagination extension, beside the standard's default answer of
# up to 1,000.
OPEN311_PAGE = 100
OPEN311_QUERIES = {
    "service_code + status=open (last 90 days)": ("top", "open", False, False),
    "service_code + status=closed + 30-day range": ("top", "closed", True, False),
    "bbox (about 1 km²) + 30-day range": (None, None, True, True),
    "all four: service_code, status, dates, bbox": ("top", "closed", True, True),
    "a rare service_code + 30-day range": ("rare", None, True, False),
    "no filter (the last 90 days, 1,000 rows)": (None, None, False, False),
}


def naive_requests(params: dict, now: dt.datetime) -> list[int]:
    """Open311's filters by a Python pass over every published order's fields."""

    from yiwang.hotline.models import WorkOrder
    from yiwang.open311 import selectors

    start, end = params.get("start") or now - selectors.DEFAULT_SPAN, params.get("end") or now
    codes, status, bbox = params.get("service_codes"), params.get("status"), params.get("bbox")
    rows = (
        WorkOrder.objects.filter(kind__in=selectors.PUBLISHED_KINDS)
        .order_by()
        .values_list("pk", "created_at", "status", "longitude", "latitude", "confidential", "category__code")
    )
    found = []
    for pk, created_at, st, lon, lat, confidential, code in rows.iterator(chunk_size=20_000):
        if not start <= created_at <= end or (codes and code not in codes):
            continue
        if status and (st == "closed") != (status == "closed"):
            continue
        if bbox and (lon is None or confidential or not (bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3])):
            continue
        found.append((created_at, pk))
    found.sort(reverse=True)
    picked = [pk for _at, pk in found[: selectors.MAX_RESULTS]]
    page = selectors._published().in_bulk(picked)
    return [page[pk].number for pk in picked]


def measure_open311(times: int, naive_times: int) -> dict:
    from decimal import Decimal
    from urllib.parse import urlencode

    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from yiwang.hotline.models import WorkOrder
    from yiwang.open311 import selectors

    client = Client(SERVER_NAME="127.0.0.1")
    now = timezone.now()
    by_code = list(
        WorkOrder.objects.filter(created_at__gte=now - selectors.DEFAULT_SPAN, kind__in=selectors.PUBLISHED_KINDS)
        .values("category__code")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    top, rare = by_code[0]["category__code"], by_code[-1]["category__code"]
    newest = (
        WorkOrder.objects.exclude(grid_cell_code="").values("longitude", "latitude").order_by("-created_at").first()
    )
    lon, lat = newest["longitude"], newest["latitude"]  # the newest located order's point
    box = (lon - Decimal("0.005"), lat - Decimal("0.0045"), lon + Decimal("0.005"), lat + Decimal("0.0045"))
    a, b = (now - dt.timedelta(days=30)).replace(microsecond=0), now.replace(microsecond=0)
    print(f"2. Open311 GET /open311/v2/requests.json (top service {top}, rare {rare}; bbox {box})")
    results = {}
    for label, (service, status, dates, bbox) in OPEN311_QUERIES.items():
        params = {
            "service_codes": [{"top": top, "rare": rare}[service]] if service else None,
            "status": status,
            "start": a if dates else None,
            "end": b if dates else None,
            "bbox": box if bbox else None,
        }
        query = {}
        if service:
            query["service_code"] = params["service_codes"][0]
        if status:
            query["status"] = status
        if dates:
            query["start_date"], query["end_date"] = a.isoformat(), b.isoformat()
        if bbox:
            query["bbox"] = ",".join(str(v) for v in box)
        url = "/open311/v2/requests.json" + ("?" + urlencode(query) if query else "")

        def fetch(url=url):
            answer = client.get(url)
            assert answer.status_code == 200, (answer.status_code, answer.content[:300])
            return answer

        runs, answer = _timed(fetch, times)
        numbers = [row["service_request_id"] for row in answer.json()]
        print(f" {label}: {len(numbers):,} requests answered")
        p95 = _line("yiwang requests.json (test Client)", runs)
        slow_runs, slow = _timed(lambda params=params: naive_requests(params, timezone.now()), naive_times, warm=False)
        naive_p95 = _line("naive: filter in Python over published orders", slow_runs)
        assert numbers == slow, f"{label}: the two sides disagree ({len(numbers)} against {len(slow)})"
        print(_verdict(p95, naive_p95))
        paged_url = url + ("&" if query else "?") + f"page_size={OPEN311_PAGE}"
        paged_runs, paged = _timed(lambda paged_url=paged_url: fetch(paged_url), times)
        paged_p95 = _line(f"yiwang, page_size={OPEN311_PAGE} (the pagination extension)", paged_runs)
        assert [row["service_request_id"] for row in paged.json()] == slow[:OPEN311_PAGE]
        print(_verdict(paged_p95, naive_p95))
        results[label] = (p95, naive_p95, paged_p95)
    return results


def measure_report(repeat: int) -> tuple[float, float]:
    from bench_report import naive
    from django.db.models import Max
    from django.utils import timezone

    from yiwang.catalog.search import words
    from yiwang.hotline.models import MonthlyReportSnapshot, WorkOrder
    from yiwang.hotline.report import TREND_MONTHS, month_bounds, monthly_report, trend_months
    from yiwang.hotline.services import report_generate
    from yiwang.org.models import Region

    words("预热")  # jieba's dictionary, loaded once per process (the web processes have it already)
    latest = timezone.localtime(WorkOrder.objects.aggregate(m=Max("created_at"))["m"]).date().replace(day=1)
    month = (latest - dt.timedelta(days=1)).replace(day=1)
    haizhu = Region.objects.get(code="440105")
    as_of = timezone.now()
    start, end = month_bounds(month)
    in_month = WorkOrder.objects.filter(region=haizhu, created_at__gte=start, created_at__lt=end).count()
    print(f"3. the monthly report: 海珠区 {month:%Y-%m}, {in_month:,} orders in the month")
    # Cold: no earlier month published, so the previous month and the trend are counted too (a first deployment).
    MonthlyReportSnapshot.objects.filter(region=haizhu).delete()
    cold_runs, fast = [], None
    for _i in range(repeat):
        started = time.perf_counter()
        fast = monthly_report(region=haizhu, month=month, as_of=as_of)
        cold_runs.append(time.perf_counter() - started)
    # Steady state: the worker published each earlier month on its first working day.
    started = time.perf_counter()
    for earlier in trend_months(month)[:-1]:
        report_generate(actor=None, region=haizhu, month=earlier)
    publish_s = time.perf_counter() - started
    fast_runs = []
    for _i in range(repeat):
        started = time.perf_counter()
        fast = monthly_report(region=haizhu, month=month, as_of=as_of)
        fast_runs.append(time.perf_counter() - started)
    assert fast.data["previous"]["published"]
    started = time.perf_counter()
    slow = naive(haizhu, month, as_of)
    slow_s = time.perf_counter() - started
    for key, value in slow["totals"].items():
        assert fast.data["totals"][key] == value, (key, fast.data["totals"][key], value)
    for row in fast.data["departments"][:-1]:
        counted = slow["departments"][row["name"]]
        for key in ("dispatched", "signed_on_time", "replied_on_time", "overdue", "returned", "callbacks", "reopened"):
            assert row[key] == counted.get(key, 0), (row["name"], key, row[key], counted.get(key, 0))
    best = min(fast_runs)
    print(
        f"  yiwang monthly_report     best {min(cold_runs):.3f} s, median {statistics.median(cold_runs):.3f} s "
        f"({repeat} runs), cold: no earlier month published"
    )
    print(f"  (the worker publishing the {TREND_MONTHS - 1} earlier months took {publish_s:.1f} s)")
    print(
        f"  yiwang monthly_report     best {best:.3f} s, median {statistics.median(fast_runs):.3f} s ({repeat} runs), "
        "the earlier months published"
    )
    print(
        f"  naive Python loops        {slow_s:.3f} s (1 run, without hotspots); both agree on the totals and departments"
    )
    met = "met" if best <= REPORT_TARGET_S else "NOT met"
    print(f"  ratio naive / yiwang {slow_s / best:.1f}×; target ≤ {REPORT_TARGET_S:.0f} s: {met}")
    return best, slow_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--cells", type=int, default=3_000)
    parser.add_argument("--requests", type=int, default=40, help="timed requests per line (yiwang's side)")
    parser.add_argument("--naive-requests", type=int, default=1, help="timed requests per line (naive side)")
    parser.add_argument("--repeat", type=int, default=3, help="monthly report runs")
    parser.add_argument("--reload", action="store_true", help="rebuild the database even if it holds the orders")
    parser.add_argument("--only", choices=["queue", "open311", "report"], action="append")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        sys.exit("bench_hotline_scale runs on PostgreSQL only: set DATABASE_URL=postgresql://…")
    if "127.0.0.1" not in url and "localhost" not in url:
        sys.exit("bench_hotline_scale measures a database on this machine only (127.0.0.1)")
    load(url, args.orders, args.cells, args.reload)
    print(
        f"machine: {os.cpu_count()} cores, shared with other sessions' work: wall-clock figures, compare within the run"
    )
    only = set(args.only or ["queue", "open311", "report"])
    if "queue" in only:
        measure_queue(args.requests, args.naive_requests)
    if "open311" in only:
        measure_open311(args.requests, args.naive_requests)
    if "report" in only:
        measure_report(args.repeat)


if __name__ == "__main__":
    main()
