"""The database the benchmarks' smoke tests clone instead of migrating and loading the catalog each time
(bench/_setup.py's YIWANG_BENCH_PREPARED): built once per test run, by the first test process that needs it, and
removed by the run's main process when the run ends.

Under pytest-xdist every worker runs the session fixtures itself, so the workers share a directory named by the
run (a lock file in it: one builds, the others wait and reuse) and, on PostgreSQL, a database named by the run.
"""

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUN = "YIWANG_BENCH_RUN"


def _url() -> str:
    return os.environ.get("DATABASE_URL", "")


def _shared() -> Path:
    return Path(tempfile.gettempdir()) / f"yiwang-bench-{os.environ[RUN]}"


def _template() -> str:
    return f"yiwang_bench_prepared_{os.environ[RUN]}"


def pytest_configure(config):
    # In the main process, before xdist starts its workers: they inherit the run's name from the environment.
    if not hasattr(config, "workerinput"):
        os.environ[RUN] = uuid.uuid4().hex[:12]


def pytest_sessionfinish(session):
    if hasattr(session.config, "workerinput") or not _shared().exists():
        return
    if _url().startswith("postgres"):
        import psycopg

        with psycopg.connect(_url().rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{_template()}" WITH (FORCE)')
    shutil.rmtree(_shared(), ignore_errors=True)


def _build(shared: Path) -> str:
    on_postgres = _url().startswith("postgres")
    url = f"{_url().rsplit('/', 1)[0]}/{_template()}" if on_postgres else "sqlite"
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT / "src")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "_setup.py")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    location = done.stdout.strip().splitlines()[-1]
    if on_postgres:
        return location
    # Into the run's directory, which the main process removes; the rest of the builder's directory is not needed.
    kept = shared / "prepared.sqlite3"
    shutil.move(location, kept)
    shutil.rmtree(Path(location).parent)
    return str(kept)


@pytest.fixture(scope="session")
def prepared_database() -> str:
    """What YIWANG_BENCH_PREPARED says: the prepared SQLite file, or the prepared PostgreSQL database's name."""
    shared = _shared()
    shared.mkdir(exist_ok=True)
    location = shared / "location"
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not location.exists():
            location.write_text(_build(shared))
    return location.read_text()
