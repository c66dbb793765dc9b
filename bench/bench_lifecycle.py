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
countersign), each reviewer finding their task by department, case_decide (grant) by 文广旅, case_deliver
by the clerk. That is 9 transactions with their timeline rows, audit entries, outbox events, queued event
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
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BPMN = Path(__file__).resolve().parent / "lifecycle.bpmn"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/yiwang_bench_cases"
IMPLEMENTATION = "R044-440105"
REVIEWERS = ["hz-culture-reviewer", "hz-psb-reviewer", "gz-fire-reviewer", "hz-urban-reviewer", "hz-eco-reviewer"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WARMUP = 5


def _setup() -> None:
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if url.startswith("sqlite"):
        url = ""
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "yiwang.config.settings.dev"
    os.environ["DEBUG"] = "0"
    os.environ["YIWANG_VAR_DIR"] = tempfile.mkdtemp(prefix="yiwang-bench-")
    sys.path.insert(0, str(ROOT / "src"))
    if url:
        _fresh_postgres_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    from yiwang.accounts.demo import load_demo_people
    from yiwang.catalog.reference import load_catalog, reference_data
    from yiwang.org.reference import load_organisation
    from yiwang.workflow.services import load_demo_processes

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    data = reference_data()
    load_catalog(data, load_organisation(data))
    load_demo_people()
    load_demo_processes()
    _city_fire_reviewer()
    print(f"database: {django.db.connection.vendor}; set up in {time.perf_counter() - started:.1f} s")


def _fresh_postgres_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


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
        self.form = {
            "applicant_name": self.entity.name,
            "uscc": self.entity.uscc,
            "contact_name": "赵六",
            "contact_phone": "13800000004",
            "address": "广州市海珠区南洲路 88 号",
        }
        self.departments = {
            name: User.objects.get(username=name).staff_roles.get(role="reviewer").department_id for name in REVIEWERS
        }
        self.count = 0

    @staticmethod
    def _user(username: str):
        from yiwang.accounts.models import User

        return User.objects.get(username=username)

    def run_case(self) -> None:
        from yiwang.cases import services
        from yiwang.workflow.models import Task

        self.count += 1
        case = services.case_submit(
            actor=self._user("enterprise"),
            implementation=self.implementation,
            entity=self.entity,
            form_data=self.form,
            uploads=self.uploads,
            idempotency_key=f"bench-{self.count}",
        )
        case = services.case_accept(actor=self._user("hz-gov_service-clerk"), case=case)
        for username in REVIEWERS:
            task = Task.objects.get(case=case, department_id=self.departments[username], status=Task.Status.OPEN)
            services.task_complete(actor=self._user(username), task=task, outcome="agree", opinion="同意")
        case = services.case_decide(actor=self._user("hz-culture-reviewer"), case=case, grant=True)
        services.case_deliver(actor=self._user("hz-gov_service-clerk"), case=case)

    def check(self) -> str:
        from yiwang.cases.models import Case
        from yiwang.core.audit import audit_verify

        delivered = Case.objects.filter(implementation=self.implementation, status=Case.Status.DELIVERED).count()
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=200, help="timed cases for each engine")
    args = parser.parse_args()
    _setup()
    import SpiffWorkflow

    # Spiff logs every task state change at INFO; writing those lines would be measured as its cost.
    logging.getLogger("spiff").setLevel(logging.WARNING)
    spiff = f"SpiffWorkflow {SpiffWorkflow.__version__}"
    engines = {"yiwang services": Ours(), spiff: Spiff(), f"{spiff}, reloaded": Spiff(reload=True)}
    rates = {}
    for label, engine in engines.items():
        rates[label] = _rate(engine, args.cases)
        print(f"{label:<30} {rates[label]:7.1f} cases/s   ({args.cases} after {WARMUP} untimed; {engine.check()})")
    ours = rates["yiwang services"]
    print(f"{'ratio yiwang / Spiff':<30} {ours / rates[spiff]:7.2f}×   (target ≥ 3×)")
    print(f"{'ratio yiwang / Spiff, reloaded':<30} {ours / rates[f'{spiff}, reloaded']:7.2f}×")


if __name__ == "__main__":
    main()
