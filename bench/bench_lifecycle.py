"""Lifecycle benchmark: whole cases per second through the service layer, beside SpiffWorkflow 3.x.

    .venv/bin/python bench/bench_lifecycle.py [--cases 200]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/yiwang_bench_cases .venv/bin/python bench/bench_lifecycle.py

Builds a fresh database (the PostgreSQL database DATABASE_URL names, default yiwang_bench_cases on
127.0.0.1, dropped and recreated; or SQLite in a temporary directory with DATABASE_URL=sqlite), loads the
reference catalog, the demo people and the demo processes, and adds a reviewer for 广州市消防救援支队 (the
city FIRE department takes part in 海珠区's R044 process and has no demo reviewer).

yiwang: one case of 娱乐场所经营许可 (R044-440105) per iteration, each step a service call as its own
transaction, with the actor read from the database for each call as a request would: case_submit by the
restaurant's agent (the two applicant materials stored once with store_upload and reused), case_accept by
the 海珠区 window clerk, five task_complete "agree" (文广旅 lead; 公安, 消防 (city), 城管, 生态环境
countersign), each reviewer finding their task by department, case_propose by 文广旅's reviewer,
case_decide (grant) by its 负责人, case_deliver by the clerk. That is 10 transactions with their timeline rows, audit entries, outbox events, queued event
deliveries and notifications.

SpiffWorkflow: bench/lifecycle.bpmn (accept → 5 parallel user tasks → join → decide), one workflow per
case: created and INSERTed as serialised JSON into a table in the same database, then for each of the
7 user tasks: run it, do_engine_steps, serialise with BpmnWorkflowSerializer and UPDATE the row (one
autocommitted statement each). The workflow stays in memory between tasks, which favours it: a web
server handles each task in a fresh request. So a second Spiff line, "reloaded", also SELECTs and
deserialises the workflow before each task, as a stateless server must (our services re-read the case).
"""

import argparse
import logging
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

from _setup import ROOT, catalog_database

sys.path.insert(0, str(ROOT))  # the application form comes from the tests' helper (tests/case_fixtures.py)

BPMN = Path(__file__).resolve().parent / "lifecycle.bpmn"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/yiwang_bench_cases"
IMPLEMENTATION = "R044-440105"
REVIEWERS = ["hz-culture-reviewer", "hz-psb-reviewer", "gz-fire-reviewer", "hz-urban-reviewer", "hz-eco-reviewer"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WARMUP = 5


def _setup() -> None:
    seconds = catalog_database(DEFAULT_URL)
    import django

    from yiwang.accounts.demo import load_demo_people
    from yiwang.workflow.services import load_demo_processes

    started = time.perf_counter()
    load_demo_people()
    load_demo_processes()
    _city_fire_reviewer()
    print(f"database: {django.db.connection.vendor}; set up in {seconds + time.perf_counter() - started:.1f} s")


def _city_fire_reviewer() -> None:
    from yiwang.accounts.models import User
    from yiwang.org.models import Department, Region, StaffRole

    guangzhou = Region.objects.get(code="440100")
    fire = Department.objects.get(region=guangzhou, kind="FIRE")
    user = User.objects.create_user("gz-fire-reviewer", password=None, display_name="广州市消防救援支队审批人员")
    StaffRole.objects.create(user=user, role="reviewer", department=fire, region=guangzhou)


class Ours:
    """The service layer, one call per step, as the portal and the workbench make them."""

    def __init__(self):
        from tests.case_fixtures import form_for
        from yiwang.accounts.models import Entity, User
        from yiwang.catalog.models import ItemImplementation
        from yiwang.core import audit
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
        self.count = 0
        # The hold figure in check() is of the cases' transactions, not of loading the reference data.
        audit.HOLD.reset()

    @staticmethod
    def _user(username: str):
        from yiwang.accounts.models import User

        return User.objects.get(username=username)

    def run_case(self) -> None:
        for _step, call in self.steps():
            call()

    def steps(self):
        """(name, call) for each step of one case, in order; a call sees what the ones before it did."""
        from yiwang.cases import services
        from yiwang.workflow.models import Task

        self.count += 1
        state = {}

        def submit():
            state["case"] = services.case_submit(
                actor=self._user("enterprise"),
                implementation=self.implementation,
                entity=self.entity,
                form_data=self.form,
                uploads=self.uploads,
                idempotency_key=f"bench-{self.count}",
            )

        def accept():
            state["case"] = services.case_accept(actor=self._user("hz-gov_service-clerk"), case=state["case"])

        def review(username):
            task = Task.objects.get(case=state["case"], department_id=self.departments[username], status="open")
            services.task_complete(actor=self._user(username), task=task, outcome="agree", opinion="同意")

        def propose():
            actor = self._user("hz-culture-reviewer")
            services.case_propose(actor=actor, case=state["case"], grant=True, reasons="符合条件")

        def decide():
            state["case"] = services.case_decide(actor=self._user("hz-culture-head"), case=state["case"], grant=True)

        def deliver():
            services.case_deliver(actor=self._user("hz-gov_service-clerk"), case=state["case"])

        yield "submit", submit
        yield "accept", accept
        for username in REVIEWERS:
            yield "task_complete", lambda username=username: review(username)
        yield "propose", propose
        yield "decide", decide
        yield "deliver", deliver

    def check(self) -> str:
        from yiwang.cases.models import Case
        from yiwang.core import audit
        from yiwang.core.audit import audit_verify

        delivered = Case.objects.filter(implementation=self.implementation, status=Case.Status.DELIVERED).count()
        return f"{delivered} cases delivered; {audit_verify()[1]}; {audit.HOLD.summary()}"


class RawFloor:
    """The rows our services write for one case, written by hand with psycopg: no ORM, no checks.

    Per case the same 9 transactions as the services, each committing what the services commit for that
    step (the case row, its materials and tasks, a timeline row, the outbox event and the notification where
    the service writes one, and last, just before COMMIT, an SM3-chained audit entry under its shard's head
    lock, as the services' audit flush writes it), copied from a
    case the services delivered. Whatever the service layer does, it cannot beat this line; it shows how
    much of the target the storage alone leaves."""

    STEPS = (
        # (action, status after, event, notify)
        ("submit", "submitted", "case.submitted", True),
        ("accept", "accepted", "case.accepted", True),
        ("start_review", "under_review", None, False),
        *(("task_agree", "under_review", None, False),) * 5,
        ("grant", "granted", "case.granted", True),
        ("deliver", "delivered", "case.delivered", True),
    )

    def __init__(self):
        import psycopg
        from django.db import connection

        from yiwang.cases.models import Case

        template = Case.objects.filter(status=Case.Status.DELIVERED).order_by("pk").first()
        settings = connection.settings_dict
        self.conn = psycopg.connect(
            dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"], port=settings["PORT"] or 5432
        )
        self.template = template.pk
        self.user = template.submitted_by_id
        self.count = 0
        with self.conn.cursor() as cursor:
            self.case_columns = self._columns(cursor, "cases_case", skip={"id", "number", "idempotency_key", "status"})
            self.material_columns = self._columns(cursor, "cases_casematerial", skip={"id", "case_id"})
            self.task_columns = self._columns(cursor, "workflow_task", skip={"id", "case_id", "status"})
            cursor.execute("SELECT id FROM cases_casenumbercounter ORDER BY id LIMIT 1")
            self.counter = cursor.fetchone()[0]
        self.conn.commit()

    @staticmethod
    def _columns(cursor, table: str, *, skip: set[str]) -> str:
        cursor.execute(f"SELECT * FROM {table} LIMIT 0")
        return ", ".join(f'"{c.name}"' for c in cursor.description if c.name not in skip)

    def _audit(self, cursor, case_id: int, action: str, before: str, after: str) -> None:
        """The case's entry, written last before COMMIT as the services' flush writes it: the case's shard head
        locked, the entry SM3-chained over every column (its time set here, as audit_record sets it), the head
        moved."""
        import datetime as dt

        from psycopg.types.json import Jsonb

        from yiwang.core.audit import chain_fields, entry_digest, shard_of

        shard = shard_of(f"cases.case:{case_id}")
        cursor.execute("SELECT seq, last_hash FROM core_audithead WHERE shard = %s FOR UPDATE", [shard])
        seq, prev = cursor.fetchone()
        entry = SimpleNamespace(
            shard=shard,
            seq=seq + 1,
            at=dt.datetime.now(dt.UTC),
            actor_id=self.user,
            actor_label="bench",
            action=f"case.{action}",
            target_type="cases.case",
            target_id=str(case_id),
            data={"from": before, "to": after},
        )
        digest = entry_digest(prev, chain_fields(entry))
        cursor.execute(
            "INSERT INTO core_auditentry (shard, seq, at, actor_id, actor_label, action, target_type, target_id,"
            " data, prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                shard,
                entry.seq,
                entry.at,
                self.user,
                "bench",
                entry.action,
                "cases.case",
                entry.target_id,
                Jsonb(entry.data),
                prev,
                digest,
            ],
        )
        cursor.execute(
            "UPDATE core_audithead SET seq = %s, last_hash = %s WHERE shard = %s", [entry.seq, digest, shard]
        )

    def run_case(self) -> None:
        from psycopg.types.json import Jsonb

        self.count += 1
        case_id, status = None, ""
        for action, after, event, notify in self.STEPS:
            with self.conn.cursor() as cursor:
                if action == "submit":
                    cursor.execute(
                        "UPDATE cases_casenumbercounter SET last = last + 1 WHERE id = %s RETURNING last",
                        [self.counter],
                    )
                    number = f"floor-{self.count}-{cursor.fetchone()[0]}"
                    cursor.execute(
                        f"INSERT INTO cases_case (number, idempotency_key, status, {self.case_columns})"
                        f" SELECT %s, %s, %s, {self.case_columns} FROM cases_case WHERE id = %s RETURNING id",
                        [number, number, after, self.template],
                    )
                    case_id = cursor.fetchone()[0]
                    cursor.execute(
                        f"INSERT INTO cases_casematerial (case_id, {self.material_columns})"
                        f" SELECT %s, {self.material_columns} FROM cases_casematerial WHERE case_id = %s",
                        [case_id, self.template],
                    )
                else:
                    cursor.execute("SELECT status FROM cases_case WHERE id = %s FOR UPDATE", [case_id])
                    cursor.execute(
                        "UPDATE cases_case SET status = %s, updated_at = now() WHERE id = %s", [after, case_id]
                    )
                if action == "accept":
                    cursor.execute(
                        f"INSERT INTO workflow_task (case_id, status, {self.task_columns})"
                        f" SELECT %s, 'open', {self.task_columns} FROM workflow_task WHERE case_id = %s",
                        [case_id, self.template],
                    )
                if action in ("task_agree", "grant"):
                    cursor.execute(
                        "SELECT id FROM workflow_task WHERE case_id = %s AND status = 'open' ORDER BY id LIMIT 1"
                        " FOR UPDATE",
                        [case_id],
                    )
                    cursor.execute(
                        "UPDATE workflow_task SET status = 'agreed', finished_at = now() WHERE id = %s",
                        [cursor.fetchone()[0]],
                    )
                cursor.execute(
                    "INSERT INTO cases_caselog (case_id, at, actor_id, actor_label, action, status_from, status_to,"
                    " note) VALUES (%s, now(), %s, %s, %s, %s, %s, %s)",
                    [case_id, self.user, "bench", action, status, after, ""],
                )
                if event:
                    cursor.execute(
                        "INSERT INTO core_event (id, type, payload, created_at) VALUES (%s, %s, %s, now())",
                        [uuid.uuid4(), event, Jsonb({"case_id": case_id, "status": after})],
                    )
                if notify:
                    cursor.execute(
                        "INSERT INTO core_notification (user_id, title, body, url, created_at)"
                        " VALUES (%s, %s, %s, %s, now())",
                        [self.user, f"{action} {case_id}", "", ""],
                    )
                self._audit(cursor, case_id, action, status, after)
            self.conn.commit()
            status = after

    def check(self) -> str:
        from yiwang.core.audit import audit_verify

        with self.conn.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM cases_case WHERE number LIKE 'floor-%%' AND status = 'delivered'")
            delivered = cursor.fetchone()[0]
        return f"{delivered} cases delivered; {audit_verify()[1]}"


class Spiff:
    """SpiffWorkflow 3.x on the same process, persisted to the same database after every task."""

    def __init__(self, *, reload: bool = False):
        from django.db import connection
        from SpiffWorkflow.bpmn.parser import BpmnParser
        from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer

        parser = BpmnParser()
        parser.add_bpmn_file(str(BPMN))
        self.spec = parser.get_spec("lifecycle")
        self.serializer = BpmnWorkflowSerializer()
        self.reload = reload
        self.table = f"bench_spiff_{'reloaded' if reload else 'workflow'}"
        key = "serial primary key" if connection.vendor == "postgresql" else "integer primary key autoincrement"
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TABLE {self.table} (id {key}, state text NOT NULL)")

    def run_case(self) -> None:
        from django.db import connection
        from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
        from SpiffWorkflow.util.task import TaskState

        workflow = BpmnWorkflow(self.spec)
        workflow.do_engine_steps()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {self.table} (state) VALUES (%s) RETURNING id", [self.serializer.serialize_json(workflow)]
            )
            row = cursor.fetchone()[0]
            while not workflow.is_completed():
                if self.reload:
                    cursor.execute(f"SELECT state FROM {self.table} WHERE id = %s", [row])
                    workflow = self.serializer.deserialize_json(cursor.fetchone()[0])
                task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
                task.data["opinion"] = "同意"
                task.run()
                workflow.do_engine_steps()
                cursor.execute(
                    f"UPDATE {self.table} SET state = %s WHERE id = %s", [self.serializer.serialize_json(workflow), row]
                )

    def check(self) -> str:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*), avg(length(state)) FROM {self.table}")
            count, size = cursor.fetchone()
        last = self.serializer.deserialize_json(self._last())
        return (
            f"{count} workflows stored, {size:.0f} characters of JSON each; last one completed: {last.is_completed()}"
        )

    def _last(self) -> str:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(f"SELECT state FROM {self.table} ORDER BY id DESC LIMIT 1")
            return cursor.fetchone()[0]


def _rate(engine, cases: int) -> float:
    for _ in range(WARMUP):
        engine.run_case()
    started = time.perf_counter()
    for _ in range(cases):
        engine.run_case()
    return cases / (time.perf_counter() - started)


def _per_case(engine, cases: int) -> None:
    """Queries and CPU per case, per step and in all, for the service line (--per-case): where the time goes."""
    from collections import Counter

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    queries, cpu = Counter(), Counter()
    for _ in range(cases):
        for step, call in engine.steps():
            started = time.process_time()
            with CaptureQueriesContext(connection) as captured:
                call()
            cpu[step] += time.process_time() - started
            queries[step] += len(captured)
    for step in queries:
        print(f"  {step:<22} {queries[step] / cases:6.1f} queries  {cpu[step] * 1000 / cases:7.2f} ms CPU")
    total_q, total_cpu = sum(queries.values()) / cases, sum(cpu.values()) * 1000 / cases
    print(f"{'per case (services)':<30} {total_q:6.1f} queries  {total_cpu:7.2f} ms CPU   ({cases} cases)")


def _http_submission(cases: int) -> None:
    """POST /api/v1/cases in-process (Django's test client, Bearer token): queries and CPU per submission."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tests.case_fixtures import form_for
    from yiwang.accounts.models import Entity, User
    from yiwang.accounts.tokens import token_create
    from yiwang.catalog.models import ItemImplementation
    from yiwang.core.storage import store_upload

    agent = User.objects.get(username="enterprise")
    implementation = ItemImplementation.objects.get(code=IMPLEMENTATION)
    entity = Entity.objects.get(uscc="91440105MA59ABCD17")
    materials = [
        {"spec": spec.pk, "key": store_upload(data=PDF + spec.name.encode(), field="f").key, "filename": "a.pdf"}
        for spec in implementation.item.current_version.materials.all()
        if not spec.is_exempt
    ]
    body = {"implementation": IMPLEMENTATION, "entity": entity.uscc, "form": form_for(implementation, entity=entity)}
    body["materials"] = materials
    _token, secret = token_create(actor=agent, user=agent, name="bench")
    client = Client(HTTP_HOST="127.0.0.1", headers={"Authorization": f"Bearer {secret}"})
    total_q = total_cpu = 0.0
    for i in range(WARMUP + cases):
        started = time.process_time()
        with CaptureQueriesContext(connection) as captured:
            answer = client.post(
                "/api/v1/cases", body, content_type="application/json", headers={"Idempotency-Key": f"http-{i}"}
            )
        assert answer.status_code == 201, answer.content
        if i >= WARMUP:
            total_cpu += time.process_time() - started
            total_q += len(captured)
    print(f"{'HTTP POST /api/v1/cases':<30} {total_q / cases:6.1f} queries  {total_cpu * 1000 / cases:7.2f} ms CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=200, help="timed cases for each engine")
    parser.add_argument(
        "--per-case",
        action="store_true",
        help="only the service line: queries and CPU per case and per step, and per HTTP submission",
    )
    args = parser.parse_args()
    _setup()
    if args.per_case:
        # One log line per notification would be measured as the services' cost.
        logging.getLogger("yiwang.notifications").setLevel(logging.WARNING)
        ours = Ours()
        for _ in range(WARMUP):
            ours.run_case()
        _per_case(ours, args.cases)
        _http_submission(args.cases)
        return
    import SpiffWorkflow

    # Spiff logs every task state change at INFO; writing those lines would be measured as its cost.
    logging.getLogger("spiff").setLevel(logging.WARNING)
    spiff = f"SpiffWorkflow {SpiffWorkflow.__version__}"
    rates = {}

    def measure(label, engine):
        rates[label] = _rate(engine, args.cases)
        print(f"{label:<30} {rates[label]:7.1f} cases/s   ({args.cases} after {WARMUP} untimed; {engine.check()})")

    measure("yiwang services", Ours())
    from django.db import connection

    floor = "raw SQL floor (psycopg)"
    if connection.vendor == "postgresql":
        measure(floor, RawFloor())
    measure(spiff, Spiff())
    measure(f"{spiff}, reloaded", Spiff(reload=True))
    ours = rates["yiwang services"]
    print(f"{'ratio yiwang / Spiff':<30} {ours / rates[spiff]:7.2f}×   (target ≥ 3×)")
    print(f"{'ratio yiwang / Spiff, reloaded':<30} {ours / rates[f'{spiff}, reloaded']:7.2f}×")
    if floor in rates:
        print(
            f"{'ratio floor / Spiff':<30} {rates[floor] / rates[spiff]:7.2f}×   (the most any service layer could reach)"
        )
        print(f"{'ratio yiwang / floor':<30} {ours / rates[floor]:7.2f}×")


if __name__ == "__main__":
    main()
