"""What every in-process benchmark does first: a fresh database with the schema and the reference catalog."""

import os
import signal
import socket
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


def fresh_postgres_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def catalog_database(default_url: str = "") -> float:
    """DATABASE_URL's PostgreSQL database dropped and recreated (or SQLite in a temporary directory when it is
    empty or "sqlite"), Django set up, migrated, organisation and catalog loaded; returns the seconds it took."""
    url = os.environ.get("DATABASE_URL", default_url)
    if url.startswith("sqlite"):
        url = ""
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "yiwang.config.settings.dev"
    os.environ["DEBUG"] = "0"
    os.environ["YIWANG_VAR_DIR"] = tempfile.mkdtemp(prefix="yiwang-bench-")
    sys.path.insert(0, str(ROOT / "src"))
    if url:
        fresh_postgres_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    from yiwang.catalog.reference import load_catalog, reference_data
    from yiwang.org.reference import load_organisation

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    data = reference_data()
    load_catalog(data, load_organisation(data))
    return time.perf_counter() - started
