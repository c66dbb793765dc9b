"""A throwaway PostgreSQL database with the demo data, shared by the reliability tests.

These tests need committed rows seen from several connections and processes, which the per-test
transaction of the normal suite cannot give (and transactional_db would empty the session's reference
data for every later test), so they run against a database of their own on the same server.
"""

import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
URL = os.environ.get("DATABASE_URL", "")

needs_postgres = pytest.mark.skipif(
    not URL.startswith("postgres"), reason="needs PostgreSQL: set DATABASE_URL=postgresql://…"
)


def environment(url: str, var_dir: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "YIWANG_VAR_DIR": var_dir,
        "DJANGO_SETTINGS_MODULE": "yiwang.config.settings.dev",
        "DEBUG": "0",
        # The checkout's own code first (a worktree's, not whichever checkout the virtualenv was installed from).
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }


@pytest.fixture(scope="session")
def demo_database():
    """(url, env) of a fresh PostgreSQL database loaded with the demo data; dropped afterwards."""
    import psycopg

    server = URL.rsplit("/", 1)[0]
    name = f"yiwang_reliability_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{server}/{name}"
    env = environment(url, tempfile.mkdtemp(prefix="yiwang-reliability-"))
    try:
        subprocess.run(
            [sys.executable, "-m", "yiwang.config.cli", "demo", "--no-serve"],
            env=env,
            cwd=ROOT,
            check=True,
            timeout=180,
            stdout=subprocess.DEVNULL,
        )
        yield url, env
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
