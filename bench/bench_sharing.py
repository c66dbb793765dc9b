"""Data-sharing benchmark: GET /api/v1/sharing/entities/{uscc} over HTTP through the real server, with the
rate window and the access log written on every read, beside the same reads in raw SQL.

    .venv/bin/python bench/bench_sharing.py [--threads 4] [--requests 500] [--workers 4] [--seconds 30]

Builds a fresh PostgreSQL database (DATABASE_URL, default yiwang_bench_sharing on 127.0.0.1, dropped and
recreated), loads the demo data as `yiwang demo --no-serve` does, registers one sharing client (every field
of the entity register, an allowance high enough never to bite) with registry.services.sharing_client_register,
starts `yiwang serve --workers N` on a free 127.0.0.1 port and takes a token at /o/token/ (client credentials).

yiwang: `--threads` client threads, each with one keep-alive http.client connection, each GETs the
restaurant's record `--requests` times with the bearer token and an X-Purpose header and expects 200; 20
untimed requests warm the workers first. Each read checks the token, counts the client's minute in the
rate window (an UPDATE), reads the entity and INSERTs its access-log row.

Baselines, the same number of threads each with one psycopg connection, no HTTP, no ORM, no validation:
  raw reads:          the SELECTs the endpoint makes (the token by its SHA-256, the client, the entity).
  raw reads + log:    the same, plus the rate-window UPDATE and the access-log INSERT in one transaction,
                      i.e. what logging costs the database without the framework around it.
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
import time
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import fresh_postgres_database, served
from bench_submit import ROOT, _env, _load, _load_demo, _percentile

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/yiwang_bench_sharing"
USCC = "91440105MA59ABCD17"
PURPOSE = "食品经营许可现场核查前核对主体信息"
WARMUP = 20
REGISTER = """
import django, json
django.setup()
from yiwang.org.models import Department
from yiwang.registry.models import STORE_FIELDS
from yiwang.registry.services import sharing_client_register
client, client_id, secret = sharing_client_register(
    actor=None, name="bench", department=Department.objects.get(kind="HEALTH", region__code="440105"),
    scopes={"entities": list(STORE_FIELDS["entities"])}, rate_per_minute=10**9,
)
print(json.dumps({"id": client_id, "secret": secret, "pk": client.pk}))
"""


def _register(env: dict) -> dict:
    made = subprocess.run(
        [sys.executable, "-c", REGISTER], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return json.loads(made.stdout.strip().splitlines()[-1])


def _token(port: int, client: dict) -> str:
    deadline = time.monotonic() + 60
    body = urlencode(
        {
            "grant_type": "client_credentials",
            "scope": "sharing",
            "client_id": client["id"],
            "client_secret": client["secret"],
        }
    )
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("POST", "/o/token/", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
            answer = conn.getresponse()
            data = answer.read()
            if answer.status == 200:
                return json.loads(data)["access_token"]
            raise SystemExit(f"/o/token/ answered {answer.status}: {data[:300]!r}")
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not answer within 60 s")


def _report(label: str, wall: float, latencies: list[float], failures: list[str], note: str) -> float:
    ok = len(latencies) - len(failures)
    rate = ok / wall
    print(
        f"{label:<34} {rate:8.1f} reads/s   p50 {statistics.median(latencies):6.2f} ms"
        f"   p99 {_percentile(latencies, 0.99):6.2f} ms   ({ok} ok in {wall:.1f} s, {len(failures)} failed; {note})"
    )
    for problem in failures[:3]:
        print(f"  failure: {problem}")
    return rate


class Raw:
    def __init__(self, url: str, token: str, client_pk: int, log: bool):
        self.url, self.client_pk, self.log = url, client_pk, log
        self.checksum = hashlib.sha256(token.encode()).hexdigest()

    def one(self, state: dict, thread: int, i: int) -> str:
        import psycopg

        conn = state.get("conn") or state.setdefault("conn", psycopg.connect(self.url, autocommit=True))
        with conn.transaction(), conn.cursor() as cur:
            cur.execute(
                "SELECT t.id, t.expires, a.authorization_grant_type FROM oauth2_provider_accesstoken t"
                " JOIN oauth2_provider_application a ON a.id = t.application_id WHERE t.token_checksum = %s",
                [self.checksum],
            )
            if cur.fetchone() is None:
                return "token not found"
            cur.execute(
                "SELECT id, scopes, rate_per_minute FROM registry_sharingclient WHERE id = %s", [self.client_pk]
            )
            cur.fetchone()
            if self.log:
                cur.execute(
                    "UPDATE registry_ratewindow SET count = count + 1 WHERE client_id = %s"
                    " AND minute = date_trunc('minute', now())",
                    [self.client_pk],
                )
                if cur.rowcount == 0:
                    cur.execute(
                        "INSERT INTO registry_ratewindow (client_id, minute, count) VALUES"
                        " (%s, date_trunc('minute', now()), 1) ON CONFLICT (client_id, minute)"
                        " DO UPDATE SET count = registry_ratewindow.count + 1",
                        [self.client_pk],
                    )
            cur.execute(
                "SELECT e.uscc, e.name, e.entity_type, e.legal_representative, e.address, r.code, e.business_scope,"
                " e.status, e.created_at FROM accounts_entity e LEFT JOIN org_region r ON r.id = e.region_id"
                " WHERE e.uscc = %s",
                [USCC],
            )
            if cur.fetchone() is None:
                return "entity not found"
            if self.log:
                cur.execute(
                    "INSERT INTO registry_accesslog (client_id, store, fields, subject, purpose, outcome, at)"
                    " VALUES (%s, 'entities', %s, %s, %s, 'served', now())",
                    [self.client_pk, json.dumps(["uscc", "name"]), USCC, PURPOSE],
                )
        return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=4, help="client threads (and raw SQL connections)")
    parser.add_argument("--requests", type=int, default=500, help="reads per thread")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--seconds", type=float, default=30, help="stop each load after this long")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        raise SystemExit("bench_sharing measures the server on PostgreSQL; set DATABASE_URL=postgresql://…")
    var_dir = tempfile.mkdtemp(prefix="yiwang-bench-sharing-")
    env = _env(url, var_dir)
    started = time.perf_counter()
    fresh_postgres_database(url)
    _load_demo(env)
    client = _register(env)
    print(f"database: PostgreSQL, demo data loaded and client registered in {time.perf_counter() - started:.1f} s")
    headers = {"X-Purpose": quote(PURPOSE)}
    with served(env, var_dir, args.workers) as (port, _server):
        token = _token(port, client)
        headers["Authorization"] = f"Bearer {token}"

        def read(state: dict, thread: int, i: int) -> str:
            conn = state.get("conn") or state.setdefault(
                "conn", http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            )
            conn.request("GET", f"/api/v1/sharing/entities/{USCC}", headers=headers)
            answer = conn.getresponse()
            body = answer.read()
            return "" if answer.status == 200 else f"{answer.status} {body[:200]!r}"

        warm: dict = {}
        for i in range(WARMUP):
            problem = read(warm, 99, i)
            if problem:
                raise SystemExit(f"warm-up read failed: {problem}")
        wall, latencies, failures = _load(args.threads, args.requests, args.seconds, read)
        ours = _report(
            "yiwang GET /sharing/entities (log)",
            wall,
            latencies,
            failures,
            f"{args.threads} threads, {args.workers} workers",
        )
    import psycopg

    with psycopg.connect(url) as conn:
        logged = conn.execute("SELECT count(*) FROM registry_accesslog WHERE outcome = 'served'").fetchone()[0]
    print(f"{'':<34} access-log rows written: {logged} (every read, warm-up included)")
    rates = {}
    for label, with_log in (("raw SQL reads (no log)", False), ("raw SQL reads + rate + log", True)):
        raw = Raw(url, token, client["pk"], with_log)
        wall, latencies, failures = _load(args.threads, args.requests, args.seconds, raw.one)
        rates[with_log] = _report(label, wall, latencies, failures, f"{args.threads} psycopg connections")
    print(f"{'ratio yiwang / raw reads':<34} {ours / rates[False]:8.2f}×")
    print(f"{'ratio yiwang / raw reads + log':<34} {ours / rates[True]:8.2f}×")
    print(f"{'ratio raw + log / raw (log cost)':<34} {rates[True] / rates[False]:8.2f}×")


if __name__ == "__main__":
    main()
