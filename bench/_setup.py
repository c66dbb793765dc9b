"""What every in-process benchmark does first: a fresh database with the schema and the reference catalog."""

import math
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def served(env: dict, var_dir: str, workers: int):
    """`yiwang serve` on a free 127.0.0.1 port for the benchmarks over HTTP; yields (port, process) and stops the
    server's whole process group afterwards."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with (Path(var_dir) / "server.log").open("wb") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "yiwang.config.cli",
                "serve",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
            ],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield port, server
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


# Where a database already migrated and holding the organisation and the catalog waits, for catalog_database to
# clone instead of building it again: a SQLite file, or a database name on DATABASE_URL's PostgreSQL server (cloned
# with CREATE DATABASE … TEMPLATE). The benchmarks' smoke tests set it (tests/bench/prepared.py), since migrating and
# loading is most of a small run; published runs leave it unset and build their database from nothing.
PREPARED = "YIWANG_BENCH_PREPARED"


def fresh_postgres_database(url: str, template: str = "") -> None:
    """The database `url` names dropped and created again: empty, or a copy of `template` on the same server."""
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


def catalog_database(default_url: str = "", *, debug: bool = False) -> float:
    """DATABASE_URL's PostgreSQL database dropped and recreated (or SQLite in a temporary directory when it is
    empty or "sqlite"), Django set up, migrated, organisation and catalog loaded; returns the seconds it took.
    With YIWANG_BENCH_PREPARED set, the database is a clone of that one instead, and the seconds are the clone's."""
    url = os.environ.get("DATABASE_URL", default_url)
    if url.startswith("sqlite"):
        url = ""
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "yiwang.config.settings.dev"
    os.environ["DEBUG"] = "1" if debug else "0"
    os.environ["YIWANG_VAR_DIR"] = var_dir = tempfile.mkdtemp(prefix="yiwang-bench-")
    sys.path.insert(0, str(ROOT / "src"))
    prepared = os.environ.get(PREPARED, "")
    started = time.perf_counter()
    if prepared and url:
        fresh_postgres_database(url, template=prepared)
    elif prepared:
        # The settings' SQLite file; the prepared one was checkpointed, so the file alone is the whole database.
        shutil.copyfile(prepared, Path(var_dir) / "yiwang.sqlite3")
    elif url:
        fresh_postgres_database(url)
    cloned = time.perf_counter() - started

    import django

    django.setup()
    if prepared:
        return cloned
    from django.core.management import call_command

    from yiwang.catalog.reference import load_catalog, reference_data
    from yiwang.org.reference import load_organisation

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    data = reference_data()
    load_catalog(data, load_organisation(data))
    return time.perf_counter() - started


def prepare() -> str:
    """Builds the database catalog_database would and closes every connection to it; returns what
    YIWANG_BENCH_PREPARED should say to clone it: the SQLite file, or the PostgreSQL database's name."""
    os.environ.pop(PREPARED, None)
    catalog_database()
    from django.db import connection, connections

    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connections.close_all()
    return str(name)


if __name__ == "__main__":
    # python bench/_setup.py: the database to clone built where DATABASE_URL says (SQLite when unset), its
    # location printed last.
    print(prepare())


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 (the nearest rank) of the samples."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered), p95


TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def backend_cpu_ms() -> float:
    """CPU time of this connection's PostgreSQL backend process so far (utime + stime, /proc/<pid>/stat); NaN
    when the backend is not a process of this machine. Parallel workers' CPU is not in it."""
    from django.db import connection

    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # the database runs on another machine or in another container: no figure
        return math.nan
    return (int(fields[11]) + int(fields[12])) * TICK_MS


def bulk_load(cur, *, loaded: tuple[str, ...], scratch: tuple[str, ...], steps, params: dict) -> dict:
    """Run the generating statements `steps` ((name, sql) pairs) the way a bulk load should: the secondary indexes
    of the `loaded` tables built once after the rows rather than row by row, the foreign-key triggers off while
    the generated (consistent) rows go in (the constraints stay declared); then the sequences moved past the
    rows, the `scratch` tables dropped and everything VACUUM ANALYZEd. Returns {step: (rows, seconds)}."""
    timings = {}
    cur.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint)",
        [list(loaded)],
    )
    secondary = cur.fetchall()
    for index, _definition in secondary:
        cur.execute(f'DROP INDEX "{index}"')
    cur.execute("SET session_replication_role = replica")
    for name, sql in steps:
        started = time.perf_counter()
        cur.execute(sql, params)
        timings[name] = (cur.rowcount, time.perf_counter() - started)
    cur.execute("SET session_replication_role = DEFAULT")
    started = time.perf_counter()
    for _index, definition in secondary:
        cur.execute(definition)
    timings[f"{len(secondary)} indexes"] = (0, time.perf_counter() - started)
    for table in loaded:
        cur.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"
        )
    for name in scratch:
        cur.execute(f"DROP TABLE {name}")
    started = time.perf_counter()
    for table in loaded:
        cur.execute(f"VACUUM ANALYZE {table}")
    # The reference tables too (regions, grid cells, departments): freshly filled, autovacuum may not have reached
    # them, and with no statistics the planner took the 72 regions under 海珠区 for one and the callback queue read
    # every order of the district through restrict()'s subquery (14 s instead of 20 ms).
    cur.execute("ANALYZE")
    timings["vacuum analyze"] = (0, time.perf_counter() - started)
    return timings
