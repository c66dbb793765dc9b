"""Lifecycle benchmark: whole cases per second through the service layer, beside two peers that do the same
durable work, at 1, 4 and 8 client processes.

    .venv/bin/python bench/bench_lifecycle.py [--cases 40] [--workers 1,4,8]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/yiwang_bench_cases .venv/bin/python bench/bench_lifecycle.py
    .venv/bin/python bench/bench_lifecycle.py --quick          # smoke run: 3 cases, workers 1 (1,2 on PostgreSQL)

Builds a fresh database (the PostgreSQL database DATABASE_URL names, default yiwang_bench_cases on
127.0.0.1, dropped and recreated; or SQLite in a temporary directory with DATABASE_URL=sqlite), loads the
reference catalog, the demo people and the demo processes, and adds a reviewer for 广州市消防救援支队 (the
city FIRE department takes part in 海珠区's R044 process and has no demo reviewer). One case goes through
the services untimed first: the peers copy its rows.

Every line is one case of 娱乐场所经营许可 (R044-440105) after another, per worker process, each process
with its own database connection and its own cases, all processes released together; cases/s is all
processes' cases over the wall time from release to the last finish. Each line also gives the SQL
statements per case and the client's CPU per case (time.process_time in each worker, summed). On PostgreSQL on
the same machine it also gives the database's CPU per case, separately: the user + system time of each
worker's own backend process (/proc/<pid>/stat; the WAL writer and checkpointer are not included), and the
WAL bytes written per case (the server's WAL position before and after, so other databases' writes on a
shared server count too).

- yiwang services: 10 service calls, each its own transaction, each actor read from the database per call
  as a request reads it (its session's user id, through the login backend): case_submit, case_accept,
  5 × task_complete "agree" (文广旅 lead; 公安, 消防 (city), 城管, 生态环境), case_propose, case_decide
  (grant), case_deliver.
- raw SQL floor (PostgreSQL): the same 10 transactions written by hand with psycopg, no ORM, no validation,
  no permission check: per step the case row, its materials and tasks where the service writes them, one
  timeline row, one audit entry (floor_audit_write), the outbox event and the notification where the
  service writes one. Whatever the service layer does, it cannot beat this line.
- raw SQL floor, pipelined: the same statements in psycopg 3 pipeline mode (fewer round trips per step).
- SpiffWorkflow, equal work (PostgreSQL): bench/lifecycle.bpmn run by SpiffWorkflow, the workflow's JSON
  loaded, run one step, serialised and UPDATEd in each of the 10 transactions (a stateless server reloads
  it), plus the same case row, timeline row, audit entry, outbox event and notification per step as the
  floor. A BPMN engine doing what issue #3 requires of us.

Audit lock hold: from the statement that locks the case's shard head to the end of the commit, per
transaction. The floor and the Spiff peer time it around floor_audit_write (mean and p99); for the services the
benchmark reads yiwang.core.audit.HOLD, which the flush keeps (mean and longest).
"""

import argparse
import contextlib
import logging
import multiprocessing
import os
import queue
import sys
import time
import uuid
from pathlib import Path

from _setup import ROOT, catalog_database

sys.path.insert(0, str(ROOT))  # the application form comes from the tests' helper (tests/case_fixtures.py)

BPMN = Path(__file__).resolve().parent / "lifecycle.bpmn"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/yiwang_bench_cases"
IMPLEMENTATION = "R044-440105"
REVIEWERS = ["hz-culture-reviewer", "hz-psb-reviewer", "gz-fire-reviewer", "hz-urban-reviewer", "hz-eco-reviewer"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WARMUP = 3


def _setup() -> str:
    seconds = catalog_database(DEFAULT_URL)
    import django

    from yiwang.accounts.demo import load_demo_people
    from yiwang.workflow.services import load_demo_processes

    started = time.perf_counter()
    load_demo_people()
    load_demo_processes()
    _city_fire_reviewer()
    Services(worker=-1).run_case()  # the template the peers copy
    print(f"database: {django.db.connection.vendor}; set up in {seconds + time.perf_counter() - started:.1f} s")
    return django.db.connection.vendor


def _city_fire_reviewer() -> None:
    from yiwang.accounts.models import User
    from yiwang.org.models import Department, Region, StaffRole

    guangzhou = Region.objects.get(code="440100")
    fire = Department.objects.get(region=guangzhou, kind="FIRE")
    user = User.objects.create_user("gz-fire-reviewer", password=None, display_name="广州市消防救援支队审批人员")
    StaffRole.objects.create(user=user, role="reviewer", department=fire, region=guangzhou)


class Services:
    """The service layer, one call per step, as the portal and the workbench make them."""

    def __init__(self, *, worker: int):
        from tests.case_fixtures import form_for
        from yiwang.accounts.models import Entity, User
        from yiwang.catalog.models import ItemImplementation
        from yiwang.core.storage import store_upload

        self.implementation = ItemImplementation.objects.select_related("item__current_version").get(
            code=IMPLEMENTATION
        )
        self.entity = Entity.objects.get(uscc="91440105MA59ABCD17")
        version = self.implementation.item.current_version
        self.uploads = {
            spec.pk: (store_upload(data=PDF + spec.name.encode(), field="materials"), f"{spec.name}.pdf")
            for spec in version.materials.all()
            if not spec.is_exempt
        }
        self.form = form_for(self.implementation, entity=self.entity)
        self.departments = {
            name: User.objects.get(username=name).staff_roles.get(role="reviewer").department_id for name in REVIEWERS
        }
        from django.conf import settings
        from django.contrib.auth import load_backend

        self._backend = load_backend(settings.AUTHENTICATION_BACKENDS[-1])
        self._user_ids = dict(
            User.objects.filter(
                username__in=["enterprise", "hz-gov_service-clerk", "hz-culture-head", *REVIEWERS]
            ).values_list("username", "pk")
        )
        self.prefix = f"bench-{worker}-{uuid.uuid4().hex[:6]}"
        self.count = 0
        self.statements = 0
        self.holds: list[float] = []

    def _user(self, username: str):
        """The actor as a request loads it: the session's user id through the login backend."""
        return self._backend.get_user(self._user_ids[username])

    def run_case(self, step=contextlib.nullcontext) -> None:
        """One case through its 10 service calls; `step(name)` wraps each call alone (not the actor and task
        reads around it), so --per-case can tell the services' own work from the driving."""
        from yiwang.cases import services
        from yiwang.workflow.models import Task

        self.count += 1
        actor = self._user("enterprise")
        with step("submit"):
            case = services.case_submit(
                actor=actor,
                implementation=self.implementation,
                entity=self.entity,
                form_data=self.form,
                uploads=self.uploads,
                idempotency_key=f"{self.prefix}-{self.count}",
            )
        actor = self._user("hz-gov_service-clerk")
        with step("accept"):
            case = services.case_accept(actor=actor, case=case)
        for username in REVIEWERS:
            task = Task.objects.get(case=case, department_id=self.departments[username], status=Task.Status.OPEN)
            actor = self._user(username)
            with step("task_complete"):
                services.task_complete(actor=actor, task=task, outcome="agree", opinion="同意")
        actor = self._user("hz-culture-reviewer")
        with step("propose"):
            services.case_propose(actor=actor, case=case, grant=True, reasons="符合条件")
        actor = self._user("hz-culture-head")
        with step("decide"):
            case = services.case_decide(actor=actor, case=case, grant=True)
        actor = self._user("hz-gov_service-clerk")
        with step("deliver"):
            services.case_deliver(actor=actor, case=case)

    def measured(self):
        """A context in which every statement is counted (the audit hold is timed by core.audit.HOLD)."""
        from django.db import connection

        def hook(execute, sql, params, many, context):
            self.statements += 1
            return execute(sql, params, many, context)

        return connection.execute_wrapper(hook)

    @staticmethod
    def backend_pid() -> int | None:
        from django.db import connection

        connection.ensure_connection()
        return getattr(getattr(connection.connection, "info", None), "backend_pid", None)

    def reset_holds(self) -> None:
        from yiwang.core import audit

        audit.HOLD.reset()

    def hold_summary(self) -> tuple[int, float, float, list[float] | None]:
        """(transactions, total seconds, longest, None: the audit module keeps totals only). The hold is from
        locking the shard heads until COMMIT returned, as the floor's is timed."""
        from yiwang.core import audit

        return audit.HOLD.count, audit.HOLD.held_total, audit.HOLD.held_max, None


def _summary(holds: list[float]) -> tuple[int, float, float, list[float]]:
    return len(holds), sum(holds), max(holds, default=0.0), list(holds)


class CountingCursor:
    """Mixed into psycopg's cursor: counts the statements a peer sends."""

    statements = 0

    def execute(self, *args, **kwargs):
        CountingCursor.statements += 1
        return super().execute(*args, **kwargs)


def floor_audit_write(cursor, *, actor_id: int, case_id: int, action: str, before: str, after: str) -> None:
    """The audit entry one transition writes, as the floor and the Spiff peer write it, last before COMMIT as
    the services' flush writes it: the case's shard head locked, the entry SM3-chained over every column (its
    time set here, as audit_record sets it), the head moved on."""
    import datetime as dt
    from types import SimpleNamespace

    from psycopg.types.json import Jsonb

    from yiwang.core.audit import GENESIS, chain_fields, entry_digest, shard_of

    shard = shard_of(f"cases.case:{case_id}")
    cursor.execute("SELECT seq, last_hash FROM core_audithead WHERE shard = %s FOR UPDATE", [shard])
    row = cursor.fetchone()
    if row is None:
        cursor.execute(
            "INSERT INTO core_audithead (shard, seq, last_hash) VALUES (%s, 0, %s) ON CONFLICT (shard) DO NOTHING",
            [shard, GENESIS],
        )
        cursor.execute("SELECT seq, last_hash FROM core_audithead WHERE shard = %s FOR UPDATE", [shard])
        row = cursor.fetchone()
    seq, prev = row
    entry = SimpleNamespace(
        shard=shard,
        seq=seq + 1,
        at=dt.datetime.now(dt.UTC),
        actor_id=actor_id,
        actor_label="bench",
        action=f"case.{action}",
        target_type="cases.case",
        target_id=str(case_id),
        data={"from": before, "to": after},
    )
    digest = entry_digest(prev, chain_fields(entry))
    cursor.execute(
        "INSERT INTO core_auditentry (shard, seq, at, actor_id, actor_label, action, target_type, target_id,"
        " data, prev_hash, hash) VALUES (%s, %s, %s, %s, 'bench', %s, 'cases.case', %s, %s, %s, %s)",
        [shard, entry.seq, entry.at, actor_id, entry.action, entry.target_id, Jsonb(entry.data), prev, digest],
    )
    cursor.execute("UPDATE core_audithead SET seq = %s, last_hash = %s WHERE shard = %s", [entry.seq, digest, shard])


class RawFloor:
    """The rows our services write for one case, written by hand with psycopg: no ORM, no checks, the same
    10 transactions as the 10 service calls, copied from the case the services delivered first."""

    STEPS = (
        # (action, status after, event, notify, spiff task run in this step)
        ("submit", "submitted", "case.submitted", True, False),
        ("accept", "review", "case.accepted", True, True),
        *(("task_agree", "review", None, False, True),) * 5,
        ("propose", "review", "case.proposed", False, False),
        ("grant", "granted", "case.granted", True, True),
        ("deliver", "delivered", "case.delivered", True, False),
    )
    label = "raw SQL floor (psycopg)"

    def __init__(self, *, worker: int, pipelined: bool = False):
        import psycopg
        from django.db import connection

        settings = connection.settings_dict
        cursor_class = type("Counting", (CountingCursor, psycopg.Cursor), {})
        self.conn = psycopg.connect(
            dbname=settings["NAME"],
            user=settings["USER"],
            host=settings["HOST"],
            port=settings["PORT"] or 5432,
            cursor_factory=cursor_class,
            autocommit=True,
        )
        self.pipelined = pipelined
        self.prefix = f"floor-{worker}-{uuid.uuid4().hex[:6]}"
        self.count = 0
        self.holds: list[float] = []
        with self.conn.cursor() as cursor:
            cursor.execute("SELECT id, submitted_by_id FROM cases_case WHERE status = 'delivered' ORDER BY id LIMIT 1")
            self.template, self.user = cursor.fetchone()
            self.case_columns = self._columns(cursor, "cases_case", skip={"id", "number", "idempotency_key", "status"})
            self.material_columns = self._columns(cursor, "cases_casematerial", skip={"id", "case_id"})
            self.task_columns = self._columns(cursor, "workflow_task", skip={"id", "case_id", "status"})
            cursor.execute("SELECT id FROM cases_casenumbercounter ORDER BY id LIMIT 1")
            self.counter = cursor.fetchone()[0]
        CountingCursor.statements = 0

    @property
    def statements(self) -> int:
        return CountingCursor.statements

    @staticmethod
    def _columns(cursor, table: str, *, skip: set[str]) -> str:
        cursor.execute(f"SELECT * FROM {table} LIMIT 0")
        return ", ".join(f'"{c.name}"' for c in cursor.description if c.name not in skip)

    def _new_case(self, cursor, status: str) -> int:
        self.count += 1
        cursor.execute(
            "UPDATE cases_casenumbercounter SET last = last + 1 WHERE id = %s RETURNING last", [self.counter]
        )
        number = f"{self.prefix}-{self.count}-{cursor.fetchone()[0]}"
        cursor.execute(
            f"INSERT INTO cases_case (number, idempotency_key, status, {self.case_columns})"
            f" SELECT %s, %s, %s, {self.case_columns} FROM cases_case WHERE id = %s RETURNING id",
            [number, number, status, self.template],
        )
        return cursor.fetchone()[0]

    def _side_rows(self, cursor, case_id: int, action: str, before: str, after: str, event, notify) -> float:
        """Timeline row, outbox event, notification, and last, just before COMMIT, the audit entry (so the chain
        head is held for the shortest time); returns when the audit lock was taken."""
        from psycopg.types.json import Jsonb

        cursor.execute(
            "INSERT INTO cases_caselog (case_id, at, actor_id, actor_label, action, status_from, status_to, note)"
            " VALUES (%s, now(), %s, 'bench', %s, %s, %s, '')",
            [case_id, self.user, action, before, after],
        )
        if event:
            cursor.execute(
                "INSERT INTO core_event (id, type, payload, created_at) VALUES (%s, %s, %s, now())",
                [uuid.uuid4(), event, Jsonb({"case_id": case_id, "status": after})],
            )
        if notify:
            cursor.execute(
                "INSERT INTO core_notification (user_id, title, body, url, created_at) VALUES (%s, %s, '', '', now())",
                [self.user, f"{action} {case_id}"],
            )
        locked = time.perf_counter()
        floor_audit_write(cursor, actor_id=self.user, case_id=case_id, action=action, before=before, after=after)
        return locked

    def _step(self, cursor, case_id, action: str, after: str) -> int:
        if action == "submit":
            case_id = self._new_case(cursor, after)
            cursor.execute(
                f"INSERT INTO cases_casematerial (case_id, {self.material_columns})"
                f" SELECT %s, {self.material_columns} FROM cases_casematerial WHERE case_id = %s",
                [case_id, self.template],
            )
            return case_id
        cursor.execute("SELECT status FROM cases_case WHERE id = %s FOR UPDATE", [case_id])
        cursor.execute("UPDATE cases_case SET status = %s, updated_at = now() WHERE id = %s", [after, case_id])
        if action == "accept":
            cursor.execute(
                f"INSERT INTO workflow_task (case_id, status, {self.task_columns})"
                f" SELECT %s, 'open', {self.task_columns} FROM workflow_task WHERE case_id = %s",
                [case_id, self.template],
            )
        if action in ("task_agree", "grant"):
            cursor.execute(
                "UPDATE workflow_task SET status = 'agreed', finished_at = now() WHERE id = (SELECT id FROM"
                " workflow_task WHERE case_id = %s AND status = 'open' ORDER BY id LIMIT 1 FOR UPDATE)",
                [case_id],
            )
        return case_id

    def run_case(self) -> None:
        case_id, status = None, ""
        for action, after, event, notify, _spiff in self.STEPS:
            if self.pipelined:
                with self.conn.pipeline(), self.conn.transaction(), self.conn.cursor() as cursor:
                    case_id = self._step(cursor, case_id, action, after)
                    locked = self._side_rows(cursor, case_id, action, status, after, event, notify)
            else:
                with self.conn.transaction(), self.conn.cursor() as cursor:
                    case_id = self._step(cursor, case_id, action, after)
                    locked = self._side_rows(cursor, case_id, action, status, after, event, notify)
            self.holds.append(time.perf_counter() - locked)
            status = after

    def backend_pid(self) -> int:
        return self.conn.info.backend_pid

    def measured(self):
        from contextlib import nullcontext

        return nullcontext()

    def reset_holds(self) -> None:
        self.holds.clear()

    def hold_summary(self) -> tuple[int, float, float, list[float]]:
        return _summary(self.holds)


class SpiffEqual(RawFloor):
    """SpiffWorkflow holding the process state, with the same side rows per step as the floor."""

    def __init__(self, *, worker: int):
        super().__init__(worker=worker)
        from SpiffWorkflow.bpmn.parser import BpmnParser
        from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer

        parser = BpmnParser()
        parser.add_bpmn_file(str(BPMN))
        self.spec = parser.get_spec("lifecycle")
        self.serializer = BpmnWorkflowSerializer()

    @staticmethod
    def create_table() -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS bench_spiff_workflow"
                " (case_id bigint PRIMARY KEY REFERENCES cases_case (id), state text NOT NULL)"
            )

    def run_case(self) -> None:
        from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
        from SpiffWorkflow.util.task import TaskState

        case_id, status = None, ""
        for action, after, event, notify, runs_task in self.STEPS:
            with self.conn.transaction(), self.conn.cursor() as cursor:
                if action == "submit":
                    case_id = self._new_case(cursor, after)
                    workflow = BpmnWorkflow(self.spec)
                    workflow.do_engine_steps()
                    cursor.execute(
                        "INSERT INTO bench_spiff_workflow (case_id, state) VALUES (%s, %s)",
                        [case_id, self.serializer.serialize_json(workflow)],
                    )
                else:
                    cursor.execute("SELECT state FROM bench_spiff_workflow WHERE case_id = %s FOR UPDATE", [case_id])
                    workflow = self.serializer.deserialize_json(cursor.fetchone()[0])
                    if runs_task:
                        task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
                        task.data["opinion"] = "同意"
                        task.run()
                        workflow.do_engine_steps()
                    cursor.execute(
                        "UPDATE bench_spiff_workflow SET state = %s WHERE case_id = %s",
                        [self.serializer.serialize_json(workflow), case_id],
                    )
                    cursor.execute(
                        "UPDATE cases_case SET status = %s, updated_at = now() WHERE id = %s", [after, case_id]
                    )
                locked = self._side_rows(cursor, case_id, action, status, after, event, notify)
            self.holds.append(time.perf_counter() - locked)
            status = after
        if not workflow.is_completed():
            raise RuntimeError("the Spiff workflow did not complete")


def _engine(kind: str, worker: int):
    if kind == "services":
        return Services(worker=worker)
    if kind == "floor":
        return RawFloor(worker=worker)
    if kind == "pipelined":
        return RawFloor(worker=worker, pipelined=True)
    return SpiffEqual(worker=worker)


def _cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU of a local process (the worker's PostgreSQL backend), or None when it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, TypeError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _worker(kind: str, worker: int, cases: int, barrier, results) -> None:
    """One client process: its own connection, WARMUP untimed cases, then `cases` timed ones after the barrier."""
    from django.db import connections

    connections.close_all()  # never share the parent's socket
    logging.getLogger("spiff").setLevel(logging.WARNING)  # Spiff logs each task change at INFO
    engine = _engine(kind, worker)
    for _ in range(WARMUP):
        engine.run_case()
    backend = engine.backend_pid()
    barrier.wait(timeout=900)
    with engine.measured():
        statements = engine.statements
        engine.reset_holds()
        db_cpu, cpu, started = _cpu_seconds(backend), time.process_time(), time.perf_counter()
        for _ in range(cases):
            engine.run_case()
        finished, cpu = time.perf_counter(), time.process_time() - cpu
        db_cpu = None if db_cpu is None else _cpu_seconds(backend) - db_cpu
    results.put((started, finished, cpu, engine.statements - statements, engine.hold_summary(), db_cpu))


def measure(kind: str, workers: int, cases: int) -> dict:
    """`workers` processes of `cases` cases each; the figures of the whole."""
    from django.db import connections

    if kind == "spiff":
        SpiffEqual.create_table()
    wal = _wal_position()
    connections.close_all()
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(workers), context.Queue()
    processes = [context.Process(target=_worker, args=(kind, n, cases, barrier, results)) for n in range(workers)]
    for process in processes:
        process.start()
    figures = []
    while len(figures) < workers:
        try:
            figures.append(results.get(timeout=5))
        except queue.Empty:
            if any(p.exitcode not in (None, 0) for p in processes):
                for process in processes:
                    process.kill()
                raise SystemExit(f"a {kind} worker failed") from None
    for process in processes:
        process.join()
        if process.exitcode:
            raise SystemExit(f"a {kind} worker failed (exit {process.exitcode})")
    total = cases * workers
    wall = max(f[1] for f in figures) - min(f[0] for f in figures)
    held = [f[4] for f in figures]
    count = sum(h[0] for h in held)
    samples = None if any(h[3] is None for h in held) else sorted(x * 1000 for h in held for x in h[3])
    wal = None if wal is None else (_wal_position() - wal) / ((cases + WARMUP) * workers)  # warm-up cases write too
    db_cpu = None if any(f[5] is None for f in figures) else sum(f[5] for f in figures) * 1000 / total
    return {
        "wal": wal,
        "db_cpu": db_cpu,
        "rate": total / wall,
        "statements": sum(f[3] for f in figures) / total,
        "cpu": sum(f[2] for f in figures) * 1000 / total,
        "hold_mean": sum(h[1] for h in held) * 1000 / count if count else None,
        # p99 where every hold was kept; the longest where only totals were (core.audit.HOLD)
        "hold_tail": (
            ("p99", samples[min(len(samples) - 1, int(0.99 * len(samples)))])
            if samples
            else ("max", max(h[2] for h in held) * 1000)
        ),
        "wall": wall,
        "total": total,
    }


def _wal_position() -> int | None:
    """The primary's WAL position in bytes (PostgreSQL; the whole server's, so other databases' writes count)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")
        return int(cursor.fetchone()[0])


LABELS = {
    "services": "yiwang services",
    "floor": "raw SQL floor",
    "pipelined": "raw SQL floor, pipelined",
    "spiff": "SpiffWorkflow, equal work",
}


def per_case(cases: int) -> None:
    """Queries and CPU of each service call alone, per case, in this process (--per-case): where the time goes."""
    from collections import Counter

    engine = Services(worker=0)
    for _ in range(WARMUP):
        engine.run_case()
    queries, cpu = Counter(), Counter()

    # Counted by a statement hook, not CaptureQueriesContext: its debug cursor renders every statement's SQL,
    # which costs more CPU than some of the steps.
    @contextlib.contextmanager
    def step(name):
        with engine.measured():
            before, started = engine.statements, time.process_time()
            yield
            cpu[name] += time.process_time() - started
            queries[name] += engine.statements - before

    for _ in range(cases):
        engine.run_case(step)
    for name in queries:
        print(f"  {name:<22} {queries[name] / cases:6.1f} queries  {cpu[name] * 1000 / cases:7.2f} ms CPU per case")
    total_q, total_cpu = sum(queries.values()) / cases, sum(cpu.values()) * 1000 / cases
    print(f"{'services alone, per case':<24} {total_q:6.1f} queries  {total_cpu:7.2f} ms CPU   ({cases} cases)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=40, help="timed cases per worker process for each line")
    parser.add_argument("--workers", default="1,4,8", help="worker process counts, comma-separated")
    parser.add_argument("--quick", action="store_true", help="smoke run: 3 cases per worker, workers 1 (and 2)")
    parser.add_argument(
        "--per-case", action="store_true", help="only the services, in this process: queries and CPU of each call"
    )
    args = parser.parse_args()
    vendor = _setup()
    if args.per_case:
        per_case(args.cases)
        return
    counts = sorted({int(n) for n in args.workers.split(",")})
    if args.quick:
        args.cases, counts = 3, [1, 2]
    kinds = ["services", "floor", "pipelined", "spiff"]
    if vendor != "postgresql":
        # SQLite has one writer and no psycopg; the line shows the code still runs.
        kinds, counts = ["services"], [1]
        print("SQLite: services only, one worker (the peers and the process counts need PostgreSQL)")
    import SpiffWorkflow

    print(
        f"{args.cases} timed cases per worker after {WARMUP} untimed; CPU ms/case is the client processes', DB CPU"
        f" their PostgreSQL backends'; SpiffWorkflow {SpiffWorkflow.__version__}; {os.cpu_count()} cores"
    )
    rates: dict[tuple[str, int], float] = {}
    for workers in counts:
        for kind in kinds:
            figures = measure(kind, workers, args.cases)
            rates[kind, workers] = figures["rate"]
            hold = (
                f"audit hold mean {figures['hold_mean']:5.2f} ms {figures['hold_tail'][0]} {figures['hold_tail'][1]:6.2f} ms"
                if figures["hold_mean"] is not None
                else "audit hold n/a"
            )
            server = (
                f"  DB CPU {figures['db_cpu']:6.1f} ms/case  WAL {figures['wal'] / 1024:5.1f} KiB/case"
                if figures["db_cpu"] is not None and figures["wal"] is not None
                else ""
            )
            print(
                f"{LABELS[kind]:<26} ×{workers}  {figures['rate']:7.1f} cases/s  {figures['statements']:6.1f} queries/case"
                f"  {figures['cpu']:7.1f} CPU ms/case{server}  {hold}   ({figures['total']} cases in {figures['wall']:.1f} s)"
            )
    low, high = counts[0], counts[-1]
    if len(kinds) > 1:
        for workers in counts:
            print(
                f"{'ratio services / floor':<34} ×{workers}  {rates['services', workers] / rates['floor', workers]:6.2f}"
            )
        if high != low:
            for kind in ("services", "floor"):
                print(f"{f'scaling {kind} ×{high} / ×{low}':<34}     {rates[kind, high] / rates[kind, low]:6.2f}")
        print(f"{'ratio services / Spiff-equal':<34} ×{high}  {rates['services', high] / rates['spiff', high]:6.2f}")
    from yiwang.core.audit import audit_verify

    print(audit_verify()[1])


if __name__ == "__main__":
    main()
