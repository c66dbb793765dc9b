"""Load test over real HTTP: locust against `yiwang serve` (gunicorn) on PostgreSQL.

    .venv/bin/pip install -e '.[bench]'          # locust
    .venv/bin/python bench/bench_http.py [--users 20] [--spawn-rate 5] [--run-time 60s] [--workers 4]

Builds a fresh PostgreSQL database (DATABASE_URL, default yiwang_bench_http on 127.0.0.1, dropped and
recreated), loads the demo data as `yiwang demo --no-serve` does, creates API tokens for the restaurant's agent
and 海珠区 市场监管局's reviewer, starts `yiwang serve --workers N` on a free 127.0.0.1 port, uploads the
applicant materials of 食品经营许可（新办） once, then runs locust headless (bench/locustfile.py) for the
bounded time: submissions (POST /api/v1/cases), the reviewer's inbox, case detail, catalog search and the public
licence check. Prints requests/s, p50 and p95 per route and in all, and the server's CPU per request (its
process group's user + system time); stops the server itself. The client runs on the same machine and its
CPU competes with the server's: on 2 cores the figures are a floor.
"""

import argparse
import csv
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import bench_submit as submit
from _setup import fresh_postgres_database, served

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/yiwang_bench_http"
REVIEWER = "hz-samr-reviewer"


def _licences(url: str) -> list[list[str]]:
    import psycopg

    with psycopg.connect(url) as conn:
        return [list(r) for r in conn.execute("SELECT number, digest FROM licences_licence ORDER BY id LIMIT 50")]


def _seed_cases(port: int, token: str, application: str, count: int = 10) -> list[str]:
    """A few submissions before the load (they warm the workers too): the case numbers the users read first."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    numbers = []
    for _ in range(count):
        status, answer = submit._request(
            conn,
            "POST",
            "/api/v1/cases",
            token,
            application.encode(),
            {"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex},
        )
        if status != 201:
            raise SystemExit(f"a seeding submission answered {status}: {answer[:300]!r}")
        numbers.append(json.loads(answer)["number"])
    return numbers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=20, help="concurrent locust users")
    parser.add_argument("--spawn-rate", type=float, default=5, help="users started per second")
    parser.add_argument("--run-time", default="60s", help="locust --run-time (e.g. 60s, 5m)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        raise SystemExit("bench_http measures the server on PostgreSQL; set DATABASE_URL=postgresql://…")
    var_dir = tempfile.mkdtemp(prefix="yiwang-bench-http-")
    env = submit._env(url, var_dir)
    started = time.perf_counter()
    fresh_postgres_database(url)
    submit._load_demo(env)
    applicant, reviewer = submit.api_token(env), submit.api_token(env, REVIEWER)
    form = submit._form(env)
    licences = _licences(url)
    if not licences:
        raise SystemExit("the demo data has no licence to verify")
    print(f"database: PostgreSQL, demo data loaded in {time.perf_counter() - started:.1f} s")
    with served(env, var_dir, args.workers) as (port, server):
        submit._wait_for(port, applicant, server)
        materials = [
            {"spec": pk, "key": submit._upload(port, applicant, name), "filename": f"{name}.pdf"}
            for pk, name in submit._applicant_specs(url)
        ]
        application = json.dumps(
            {"implementation": submit.IMPLEMENTATION, "entity": submit.USCC, "form": form, "materials": materials}
        )
        numbers = _seed_cases(port, applicant, application)
        config = Path(var_dir) / "locust.json"
        config.write_text(
            json.dumps(
                {
                    "applicant_token": applicant,
                    "reviewer_token": reviewer,
                    "application": application,
                    "case_numbers": numbers,
                    "licences": licences,
                }
            ),
            "utf-8",
        )
        cpu = submit._group_cpu(server.pid)
        # locust exits 1 when any request failed; the failures are counted in the figures below
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(Path(__file__).with_name("locustfile.py")),
                "--headless",
                "--host",
                f"http://127.0.0.1:{port}",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                args.run_time,
                "--csv",
                f"{var_dir}/locust",
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env={**os.environ, "YIWANG_LOCUST_CONFIG": str(config)},
            stdout=subprocess.DEVNULL,
        )
        if done.returncode not in (0, 1):
            raise SystemExit(f"locust failed (exit {done.returncode})")
        cpu = submit._group_cpu(server.pid) - cpu
    with open(f"{var_dir}/locust_stats.csv", encoding="utf-8") as stats:
        rows = list(csv.DictReader(stats))
    print(
        f"locust {args.users} users (spawn {args.spawn_rate}/s) for {args.run_time} against {args.workers} gunicorn"
        f" workers; {os.cpu_count()} cores shared by client, server and PostgreSQL"
    )
    for row in rows:
        label = "all requests" if row["Name"] == "Aggregated" else row["Name"]
        print(
            f"  {label:<40} {float(row['Requests/s']):7.1f} req/s   p50 {row['50%']:>6} ms   p95 {row['95%']:>6} ms"
            f"   ({row['Request Count']} requests, {row['Failure Count']} failed)"
        )
        if row["Name"] == "Aggregated":
            total = int(row["Request Count"])
    print(f"  server CPU (gunicorn master + workers)   {cpu * 1000 / max(total, 1):7.1f} ms per request")


if __name__ == "__main__":
    main()
