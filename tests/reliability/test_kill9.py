"""kill -9 in the middle of a load: the real server (gunicorn, 2 workers) and the worker are killed with
SIGKILL while applicants submit and reviewers decide over HTTP, then restarted. Afterwards every
acknowledged submission exists exactly once, no case is half-written, the audit chain verifies, and the
worker runs the clock sweep (a case past its acceptance deadline is deemed accepted)."""

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid

import pytest

from .conftest import ROOT, needs_postgres

pytestmark = needs_postgres

SUBMISSIONS = 30
KILL_AFTER = 10  # acknowledged submissions before the kill
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
USCC = "91440105MA59ABCD17"
DEPARTMENT = {"urban": "城市管理", "samr": "市场监督"}
TOKENS = """
import django, json
django.setup()
from yiwang.accounts.models import User
from yiwang.accounts.tokens import token_create
print(json.dumps({u: token_create(actor=None, user=User.objects.get(username=u), name="reliability")[1]
                  for u in ["enterprise", "hz-gov_service-clerk", "hz-samr-reviewer", "hz-urban-reviewer",
                            "hz-samr-head"]}))
"""
FORM = f"""
import django, json
django.setup()
from tests.case_fixtures import food_form
from yiwang.accounts.models import Entity
print(json.dumps(food_form(Entity.objects.get(uscc="{USCC}"))))
"""
ENQUEUE_SWEEP = """
import django
django.setup()
from yiwang.cases.tasks import clock_sweep
print(clock_sweep.enqueue().id)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One keep-alive connection to 127.0.0.1; any network error answers None (the server may be dead)."""

    def __init__(self, port: int, token: str):
        self.port, self.token, self.conn = port, token, None

    def call(self, method: str, path: str, body=None, headers=None, raw: bytes | None = None):
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
            payload = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
            self.conn.request(
                method,
                path,
                body=payload,
                headers={
                    "Authorization": f"Bearer {self.token}",
                    "Content-Type": "application/json",
                    **(headers or {}),
                },
            )
            response = self.conn.getresponse()
            return response.status, json.loads(response.read() or b"null")
        except (OSError, http.client.HTTPException, json.JSONDecodeError):
            self.conn = None
            return None


class Services:
    """The web server and the worker, each in its own process group so SIGKILL reaches master and workers."""

    def __init__(self, env: dict, port: int, logs):
        self.env, self.port, self.logs, self.groups = env, port, logs, []

    def start(self) -> None:
        yiwang = [sys.executable, "-m", "yiwang.config.cli"]
        for command in (["serve", "--bind", f"127.0.0.1:{self.port}", "--workers", "2"], ["worker"]):
            child = subprocess.Popen(
                [*yiwang, *command],
                env=self.env,
                cwd=ROOT,
                stdout=self.logs,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            self.groups.append(child)

    def wait_ready(self, client: Client) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            answer = client.call("GET", "/api/v1/cases")
            if answer and answer[0] == 200:
                return
            time.sleep(0.2)
        pytest.fail("the server did not come up within 60 s")

    def kill(self) -> None:
        for child in self.groups:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait(timeout=10)
        self.groups = []

    def stop(self) -> None:
        for child in self.groups:
            try:
                os.killpg(child.pid, signal.SIGTERM)
                child.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(child.pid, signal.SIGKILL)
        self.groups = []


def _upload(client: Client, name: str) -> str:
    boundary = uuid.uuid4().hex
    raw = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + PDF
        + name.encode()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    status, body = client.call(
        "POST", "/api/v1/materials", raw=raw, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    assert status == 201, body
    return body["key"]


def _review(port: int, tokens: dict, numbers: list[str], stop: threading.Event, decided: list[str]) -> None:
    """Staff work the acknowledged cases: accept, both departments agree, 市场监管 proposes and its head grants. Errors while the
    server is down are expected; a case is retried from wherever it stands on the next pass."""
    clerk = Client(port, tokens["hz-gov_service-clerk"])
    reviewers = {kind: Client(port, tokens[f"hz-{kind}-reviewer"]) for kind in ("urban", "samr")}
    head = Client(port, tokens["hz-samr-head"])
    while not stop.is_set():
        for number in list(numbers):
            if number in decided or stop.is_set():
                continue
            clerk.call("POST", f"/api/v1/cases/{number}/accept")
            for kind in ("urban", "samr"):
                answer = reviewers[kind].call("GET", f"/api/v1/cases/{number}")
                for task in answer[1]["tasks"] if answer and answer[0] == 200 else []:
                    if (
                        task["status"] == "open"
                        and task["role"] != "decision"
                        and DEPARTMENT[kind] in task["department"]
                    ):
                        reviewers[kind].call(
                            "POST", f"/api/v1/tasks/{task['id']}/completion", {"outcome": "agree", "opinion": "同意"}
                        )
            reviewers["samr"].call("POST", f"/api/v1/cases/{number}/proposal", {"grant": True, "reasons": "同意"})
            answer = head.call("POST", f"/api/v1/cases/{number}/decision", {"grant": True})
            if answer and answer[0] == 200:
                decided.append(number)
        time.sleep(0.05)


def test_kill_minus_nine_loses_nothing_acknowledged(demo_database, tmp_path):
    import psycopg

    url, env = demo_database
    tokens = json.loads(
        subprocess.run([sys.executable, "-c", TOKENS], env=env, cwd=ROOT, check=True, capture_output=True, text=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    form = json.loads(
        subprocess.run([sys.executable, "-c", FORM], env=env, cwd=ROOT, check=True, capture_output=True, text=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    port = _free_port()
    logs = (tmp_path / "services.log").open("wb")  # closed in the finally below, after the processes stop
    # The worker sweeps once as it starts and not again during the test: the load meets a quiet queue.
    services = Services({**env, "YIWANG_SWEEP_SECONDS": "3600"}, port, logs)
    applicant = Client(port, tokens["enterprise"])
    acknowledged: dict[str, str] = {}  # idempotency key -> case number from a 201/200
    numbers: list[str] = []
    decided: list[str] = []
    stop = threading.Event()
    reviewer = threading.Thread(target=_review, args=(port, tokens, numbers, stop, decided))
    try:
        services.start()
        services.wait_ready(applicant)
        with psycopg.connect(url) as conn:
            specs = conn.execute(
                """SELECT m.id, m.name, m.source FROM catalog_materialspec m
                   JOIN catalog_serviceitem i ON i.current_version_id = m.version_id
                   JOIN catalog_itemimplementation p ON p.item_id = i.id
                   WHERE p.code = 'R005-440105' ORDER BY m.id"""
            ).fetchall()
            uploaded = [(pk, name, source) for pk, name, source in specs if source == "applicant"]
        materials = [
            {"spec": pk, "key": _upload(applicant, name), "filename": f"{name}.pdf"} for pk, name, _source in uploaded
        ]
        reviewer.start()

        refused = []

        def submit(key: str, tries: int = 1) -> None:
            for _try in range(tries):
                answer = applicant.call(
                    "POST",
                    "/api/v1/cases",
                    {"implementation": "R005-440105", "entity": USCC, "form": form, "materials": materials},
                    headers={"Idempotency-Key": key},
                )
                if answer is not None:
                    break
            if answer is not None and answer[0] not in (200, 201):
                refused.append((key, answer))
            if answer and answer[0] in (200, 201):
                acknowledged[key] = answer[1]["number"]
                if answer[1]["number"] not in numbers:
                    numbers.append(answer[1]["number"])

        keys = [f"kill9-{i}" for i in range(SUBMISSIONS)]
        killed_at = None
        for i, key in enumerate(keys):
            submit(key)
            if killed_at is None and len(acknowledged) >= KILL_AFTER:
                services.kill()  # mid-load: the reviewer thread is accepting and deciding right now
                killed_at = i
            if killed_at is not None and i == killed_at + 5:
                services.start()  # five submissions went to a dead server
                services.wait_ready(applicant)
        assert killed_at is not None
        lost = [k for k in keys if k not in acknowledged]
        assert lost, "some submissions must have met the dead server"
        for key in lost:  # the client retries what was never acknowledged, with the same key
            submit(key, tries=3)
        assert not refused, refused
        assert len(acknowledged) == SUBMISSIONS

        deadline = time.monotonic() + 30
        while len(decided) < 5 and time.monotonic() < deadline:
            time.sleep(0.2)
        stop.set()
        reviewer.join(timeout=30)

        with psycopg.connect(url) as conn:
            # The clock sweep resumes: a submission past its acceptance deadline is deemed accepted.
            late = conn.execute(
                "SELECT number FROM cases_case WHERE status = 'submitted' AND idempotency_key LIKE 'kill9-%%' "
                "ORDER BY id LIMIT 1"
            ).fetchone()
            assert late, "the load must leave a submitted case for the sweep"
            conn.execute("UPDATE cases_case SET acceptance_due = received_on - 1 WHERE number = %s", [late[0]])
            conn.commit()
        sweep = (
            subprocess.run(
                [sys.executable, "-c", ENQUEUE_SWEEP], env=env, cwd=ROOT, check=True, capture_output=True, text=True
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        with psycopg.connect(url, autocommit=True) as conn:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                row = conn.execute(
                    "SELECT status, return_value FROM django_tasks_database_dbtaskresult WHERE id = %s", [sweep]
                ).fetchone()
                if row and row[0] in ("SUCCESSFUL", "FAILED"):
                    break
                time.sleep(0.3)
            assert row[0] == "SUCCESSFUL", row
            # Not this sweep's own count: the restarted worker's start-up sweep may still be queued behind the
            # other periodic jobs and get to the late case first. Either way the worker deemed it accepted.
            status, deemed = conn.execute(
                "SELECT status, deemed_accepted FROM cases_case WHERE number = %s", [late[0]]
            ).fetchone()
            assert (status, deemed) == ("review", True)

            # Every acknowledged submission exists exactly once, under the number the client was given.
            for key, number in acknowledged.items():
                rows = conn.execute("SELECT number FROM cases_case WHERE idempotency_key = %s", [key]).fetchall()
                assert rows == [(number,)], (key, rows)
            assert conn.execute("SELECT count(*) FROM cases_case WHERE idempotency_key LIKE 'kill9-%%'").fetchone() == (
                SUBMISSIONS,
            )

            # No case is half-written: each has its materials, a timeline that starts with the submission, one
            # audit entry per timeline row, and tasks whenever it got past acceptance.
            cases = conn.execute(
                "SELECT id, number, status FROM cases_case WHERE idempotency_key LIKE 'kill9-%%'"
            ).fetchall()
            for pk, number, status in cases:
                materials_count = conn.execute(
                    "SELECT count(*) FROM cases_casematerial WHERE case_id = %s", [pk]
                ).fetchone()[0]
                log = [
                    a for (a,) in conn.execute("SELECT action FROM cases_caselog WHERE case_id = %s ORDER BY id", [pk])
                ]
                audited = conn.execute(
                    "SELECT count(*) FROM core_auditentry WHERE target_type = 'cases.case' AND target_id = %s",
                    [str(pk)],
                ).fetchone()[0]
                tasks = conn.execute("SELECT role, status FROM workflow_task WHERE case_id = %s", [pk]).fetchall()
                assert materials_count == len(specs), (number, materials_count)  # uploaded and drawn (免提交)
                assert log[0] == "submit", (number, log)
                assert audited == len(log), (number, log, audited)
                if status != "submitted":
                    assert "accept" in log and "start_review" in log and tasks, (number, status, log, tasks)
                if status == "granted":
                    assert ("decision", "done") in tasks and log.count("grant") == 1, (number, tasks, log)
            assert len(decided) >= 5, f"only {len(decided)} decisions went through"
        verify = subprocess.run(
            [sys.executable, "-m", "yiwang.config.cli", "audit", "verify"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert verify.returncode == 0, verify.stderr + verify.stdout
    finally:
        stop.set()
        services.stop()
        logs.close()
