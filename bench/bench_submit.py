"""Submission benchmark: online applications over HTTP through the real server, beside the same rows
inserted with raw SQL.

    .venv/bin/python bench/bench_submit.py [--threads 4] [--workers 4] [--seconds 30] [--raw-seconds 15]

Builds a fresh PostgreSQL database (DATABASE_URL, default yiwang_bench_cases on 127.0.0.1, dropped and
recreated), loads the demo data as `yiwang demo --no-serve` does, creates an API token for the restaurant's
agent (`yiwang token create enterprise`), starts `yiwang serve --workers N` on a free 127.0.0.1 port and
uploads the applicant materials of 食品经营许可（新办） (R005-440105) once through POST /api/v1/materials.

yiwang: `--threads` client threads, each with one keep-alive http.client connection, POST applications to
/api/v1/cases (Bearer token, a fresh Idempotency-Key, the JSON form and the stored material keys) for
`--seconds` (or `--requests` each) and expect 201; 10 untimed requests warm the workers first. The answer is the
case's detail (timeline, tasks, materials, deadlines), as a client gets it. Per submission: the server's CPU
(its process group's user + system time from /proc over the load, divided by the submissions), and the SQL
statements and CPU of the same submission made in-process through Django's test client (the HTTP run cannot
count the server's statements from outside).

Baseline: the same number of threads, each with one psycopg connection, each inserting in one transaction
per submission exactly the rows the server wrote for the first benchmark case, read back from the database:
the case-number counter UPDATE, the cases_case row, its cases_casematerial rows (the uploaded ones and the
one drawn from the e-licence), the cases_caselog row, the core_auditentry row (with its SM3 chain hash) under the locked
core_audithead row, the core_event outbox row, the queued django_tasks_database_dbtaskresult delivery and
the core_notification row. No validation, no permission check, no HTTP, no ORM. It runs for a fixed time,
`--raw-seconds` (at least 10 s), not a count: a count finished in under 4 s and its rate swung 113–506/s. Per
submission: the statements it sends and the client's CPU (time.process_time over the phase).
"""

import argparse
import hashlib
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/yiwang_bench_cases"
IMPLEMENTATION = "R005-440105"
USCC = "91440105MA59ABCD17"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# The application the tests submit: R005's 样表 with the restaurant's register values (tests/case_fixtures.py).
FORM = f"""
import django, json
django.setup()
from tests.case_fixtures import food_form
from yiwang.accounts.models import Entity
print(json.dumps(food_form(Entity.objects.get(uscc="{USCC}"))))
"""
# Statements and client CPU of one submission made in-process (Django's test client, same settings and data):
# the server's own figures, which the HTTP run cannot count from outside. The CPU is timed in a loop of its own,
# without the statement counter (CaptureQueriesContext's debug cursor renders every statement and cost more
# CPU than parts of the submission).
IN_PROCESS = """
import django, json, sys, time, uuid
django.setup()
from django.db import connection
from django.test import Client
token, body, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", SERVER_NAME="127.0.0.1")
def submit():
    answer = client.post("/api/v1/cases", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)
    assert answer.status_code == 201, answer.content[:300]
for _ in range(3):
    submit()
cpu = time.process_time()
for _ in range(n):
    submit()
cpu = time.process_time() - cpu
statements = 0
def count(execute, sql, params, many, context):
    global statements
    statements += 1
    return execute(sql, params, many, context)
with connection.execute_wrapper(count):
    for _ in range(n):
        submit()
print(json.dumps({"queries": statements / n, "cpu_ms": cpu * 1000 / n}))
"""
WARMUP = 10


def _env(url: str, var_dir: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "YIWANG_VAR_DIR": var_dir,
        "DJANGO_SETTINGS_MODULE": "yiwang.config.settings.dev",
        "DEBUG": "0",
    }


def _load_demo(env: dict) -> None:
    subprocess.run(
        [sys.executable, "-m", "yiwang.config.cli", "demo", "--no-serve"],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def api_token(env: dict, username: str = "enterprise") -> str:
    """A fresh API token for a demo account, made by `yiwang token create` as an operator would."""
    made = subprocess.run(
        [sys.executable, "-m", "yiwang.config.cli", "token", "create", username, "--name", "bench"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return made.stdout.strip()


def _form(env: dict) -> dict:
    made = subprocess.run([sys.executable, "-c", FORM], env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(made.stdout.strip().splitlines()[-1])


def _in_process(env: dict, token: str, body: str, n: int = 20) -> dict:
    made = subprocess.run(
        [sys.executable, "-c", IN_PROCESS, token, body, str(n)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(made.stdout.strip().splitlines()[-1])


def _group_cpu(group: int) -> float:
    """CPU seconds (user + system) of every live process in the process group (the server: master and workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # pgrp
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _request(conn, method: str, path: str, token: str, body: bytes = b"", headers: dict | None = None):
    conn.request(method, path, body=body, headers={"Authorization": f"Bearer {token}", **(headers or {})})
    response = conn.getresponse()
    return response.status, response.read()


def _wait_for(port: int, token: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server exited while starting")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            if _request(conn, "GET", "/api/v1/cases", token)[0] == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not answer within 60 s")


def _upload(port: int, token: str, name: str) -> str:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}.pdf"\r\n'
            f"Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + PDF
        + name.encode()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    status, answer = _request(
        conn, "POST", "/api/v1/materials", token, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    if status != 201:
        raise SystemExit(f"material upload answered {status}: {answer[:300]!r}")
    return json.loads(answer)["key"]


def _applicant_specs(url: str) -> list[tuple[int, str]]:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(
            """SELECT m.id, m.name FROM catalog_materialspec m
               JOIN catalog_serviceitem i ON i.current_version_id = m.version_id
               JOIN catalog_itemimplementation p ON p.item_id = i.id
               WHERE p.code = %s AND m.source = 'applicant' ORDER BY m.id""",
            [IMPLEMENTATION],
        ).fetchall()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _load(threads: int, requests: int | None, seconds: float, one) -> tuple[float, list[float], list[str]]:
    """Run `one(state, thread, i)` in threads until `seconds` have passed (or each thread made `requests`, when
    given); return wall time, latencies in ms and failures."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker(n: int) -> None:
        state = {}
        mine, bad = [], []
        i = 0
        while time.monotonic() < stop_at and (requests is None or i < requests):
            started = time.perf_counter()
            problem = one(state, n, i)
            mine.append((time.perf_counter() - started) * 1000)
            if problem:
                bad.append(problem)
            i += 1
        with lock:
            latencies.extend(mine)
            failures.extend(bad)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return time.perf_counter() - started, latencies, failures


class Raw:
    """The rows one submission wrote, re-inserted with psycopg under the same locks."""

    COPIED = ["cases_casematerial", "cases_caselog", "core_notification"]
    statements = 0  # every statement any thread sent (a rough count is enough: threads may race on it)

    def __init__(self, url: str, number: str):
        import psycopg
        from psycopg.rows import dict_row

        self.url = url
        with psycopg.connect(url, row_factory=dict_row) as conn:
            self.case = conn.execute("SELECT * FROM cases_case WHERE number = %s", [number]).fetchone()
            pk = self.case["id"]
            self.rows = {
                "cases_casematerial": conn.execute(
                    "SELECT * FROM cases_casematerial WHERE case_id = %s", [pk]
                ).fetchall(),
                "cases_caselog": conn.execute("SELECT * FROM cases_caselog WHERE case_id = %s", [pk]).fetchall(),
                "core_notification": conn.execute(
                    "SELECT * FROM core_notification WHERE url = %s", [f"/cases/{number}/"]
                ).fetchall(),
            }
            self.audit = conn.execute(
                "SELECT * FROM core_auditentry WHERE target_type = 'cases.case' AND target_id = %s", [str(pk)]
            ).fetchall()
            self.events = conn.execute("SELECT * FROM core_event WHERE payload->>'case' = %s", [number]).fetchall()
            self.queued = conn.execute(
                "SELECT * FROM django_tasks_database_dbtaskresult WHERE args_kwargs::text LIKE %s",
                [f"%{self.events[0]['id']}%"],
            ).fetchall()
        self.prefix = number.rsplit("-", 1)[0]

    def describe(self) -> str:
        counts = {
            "cases_case": 1,
            **{t: len(r) for t, r in self.rows.items()},
            "core_auditentry": len(self.audit),
            "core_event": len(self.events),
            "dbtaskresult": len(self.queued),
        }
        return ", ".join(f"{n} {t}" for t, n in counts.items()) + " + counter and audit-head UPDATEs"

    @staticmethod
    def _insert(cur, table: str, row: dict, returning: bool = False):
        from psycopg.types.json import Jsonb

        columns = [c for c in row if c != "id" or not isinstance(row["id"], int)]
        values = [Jsonb(row[c]) if isinstance(row[c], dict | list) else row[c] for c in columns]
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
        Raw.statements += 1
        cur.execute(sql + (" RETURNING id" if returning else ""), values)
        return cur.fetchone()[0] if returning else None

    def one(self, state: dict, thread: int, i: int) -> str:
        import psycopg

        conn = state.get("conn") or state.setdefault("conn", psycopg.connect(self.url))
        with conn.transaction(), conn.cursor() as cur:
            cur.execute(
                "UPDATE cases_casenumbercounter SET last = last + 1 WHERE region_id = %s AND day = %s RETURNING last",
                [self.case["region_id"], self.case["received_on"]],
            )
            number = f"{self.prefix}-{cur.fetchone()[0]:05d}"
            Raw.statements += 1 + 2 * len(self.audit)  # the counter UPDATE; each audit entry's head lock and UPDATE
            pk = self._insert(
                cur, "cases_case", {**self.case, "number": number, "idempotency_key": f"raw-{thread}-{i}"}, True
            )
            for table, rows in self.rows.items():
                for row in rows:
                    self._insert(cur, table, {**row, "case_id": pk} if "case_id" in row else row)
            # The case's shard, as core.audit.shard_of computes it (this process does not set Django up).
            shard = zlib.crc32(f"cases.case:{pk}".encode()) % int(os.environ.get("AUDIT_SHARDS", "64"))
            for entry in self.audit:
                cur.execute("SELECT seq, last_hash FROM core_audithead WHERE shard = %s FOR UPDATE", [shard])
                seq, last = cur.fetchone()
                digest = hashlib.new("sm3", last.encode() + json.dumps(entry["data"]).encode()).hexdigest()
                self._insert(
                    cur,
                    "core_auditentry",
                    {**entry, "shard": shard, "seq": seq + 1, "target_id": str(pk), "prev_hash": last, "hash": digest},
                )
                cur.execute(
                    "UPDATE core_audithead SET seq = %s, last_hash = %s WHERE shard = %s", [seq + 1, digest, shard]
                )
            for event in self.events:
                self._insert(cur, "core_event", {**event, "id": uuid.uuid4()})
            for queued in self.queued:
                self._insert(cur, "django_tasks_database_dbtaskresult", {**queued, "id": uuid.uuid4()})
        return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=4, help="client threads (and raw SQL connections)")
    parser.add_argument("--requests", type=int, default=None, help="stop each HTTP thread after this many")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--seconds", type=float, default=30, help="length of the HTTP load")
    parser.add_argument("--raw-seconds", type=float, default=15, help="length of the raw SQL load (at least 10)")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        raise SystemExit("bench_submit measures the server on PostgreSQL; set DATABASE_URL=postgresql://…")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _setup import PREPARED, fresh_postgres_database, served

    var_dir = tempfile.mkdtemp(prefix="yiwang-bench-submit-")
    env = _env(url, var_dir)
    started = time.perf_counter()
    # A clone of the smoke tests' prepared database (schema and catalog) spares the demo its migrations; the demo
    # loads the catalog over it again, which adds only 8 bundle_update audit entries. Published runs start empty.
    fresh_postgres_database(url, template=os.environ.get(PREPARED, ""))
    _load_demo(env)
    token, form = api_token(env), _form(env)
    print(f"database: PostgreSQL, demo data loaded in {time.perf_counter() - started:.1f} s")
    with served(env, var_dir, args.workers) as (port, server):
        _wait_for(port, token, server)
        materials = [
            {"spec": pk, "key": _upload(port, token, name), "filename": f"{name}.pdf"}
            for pk, name in _applicant_specs(url)
        ]
        body = json.dumps({"implementation": IMPLEMENTATION, "entity": USCC, "form": form, "materials": materials})

        def submit(state: dict, thread: int, i: int) -> str:
            conn = state.get("conn") or state.setdefault(
                "conn", http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            )
            status, answer = _request(
                conn,
                "POST",
                "/api/v1/cases",
                token,
                body.encode(),
                {
                    "Content-Type": "application/json",
                    "Idempotency-Key": f"bench-{thread}-{i}-{state.setdefault('run', uuid.uuid4().hex[:8])}",
                },
            )
            if status != 201:
                return f"{status} {answer[:200]!r}"
            state.setdefault("numbers", []).append(json.loads(answer)["number"])
            return ""

        warm = {}
        for i in range(WARMUP):
            problem = submit(warm, 99, i)
            if problem:
                raise SystemExit(f"warm-up submission failed: {problem}")
        first = warm["numbers"][0]
        server_cpu = _group_cpu(server.pid)
        wall, latencies, failures = _load(args.threads, args.requests, args.seconds, submit)
        server_cpu = _group_cpu(server.pid) - server_cpu
        ok = len(latencies) - len(failures)
        http_rate = ok / wall
    inside = _in_process(env, token, body)
    print(
        f"{'yiwang POST /api/v1/cases':<28} {http_rate:7.1f} submissions/s   p50 {statistics.median(latencies):6.1f} ms"
        f"   p99 {_percentile(latencies, 0.99):6.1f} ms   {inside['queries']:5.1f} queries   server CPU"
        f" {server_cpu * 1000 / max(ok, 1):5.1f} ms/submission ({inside['cpu_ms']:.1f} ms in-process)"
        f"   ({ok} × 201 in {wall:.1f} s, {len(failures)} failed; {args.threads} threads, {args.workers} workers)"
    )
    for problem in failures[:3]:
        print(f"  failure: {problem}")
    raw = Raw(url, first)
    cpu = time.process_time()
    wall, latencies, failures = _load(args.threads, None, max(args.raw_seconds, 10), raw.one)
    cpu = time.process_time() - cpu
    done = len(latencies) - len(failures)
    raw_rate = done / wall
    print(
        f"{'raw SQL (psycopg)':<28} {raw_rate:7.1f} submissions/s   p50 {statistics.median(latencies):6.1f} ms"
        f"   p99 {_percentile(latencies, 0.99):6.1f} ms   {raw.statements / max(done, 1):5.1f} queries   client CPU"
        f" {cpu * 1000 / max(done, 1):5.1f} ms/submission   ({done} in {wall:.1f} s; per submission: {raw.describe()})"
    )
    print(f"{'ratio (yiwang/raw)':<28} {http_rate / raw_rate:7.2f}×")


if __name__ == "__main__":
    main()
