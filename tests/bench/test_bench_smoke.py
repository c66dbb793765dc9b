"""The benchmarks run, with tiny counts, so they cannot rot between the runs that publish figures.

Each benchmark builds its own database: SQLite in a temporary directory, or, when the suite runs on PostgreSQL,
a throwaway database beside DATABASE_URL's, dropped afterwards. Those that start from the schema and the catalog
clone the run's prepared database instead of migrating and loading it again (tests/bench/prepared.py); the
published runs build theirs. The figures are not checked, only that every line is printed and the run ends well.
"""

import functools
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from bench._setup import PREPARED

ROOT = Path(__file__).resolve().parents[2]
URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = URL.startswith("postgres")


@pytest.fixture
def bench_url():
    """A database URL of the bench's own: a new PostgreSQL database name (the bench creates it), or "sqlite"."""
    if not ON_POSTGRES:
        yield "sqlite"
        return
    import psycopg

    server = URL.rsplit("/", 1)[0]
    name = f"yiwang_bench_smoke_{uuid.uuid4().hex[:8]}"
    yield f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def catalog_bench(prepared_database):
    """run_bench for a benchmark that starts from the schema and the catalog: it clones the prepared database."""
    return functools.partial(run_bench, prepared=prepared_database)


def run_bench(script: str, url: str, *args: str, prepared: str = "") -> str:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT / "src"), PREPARED: prepared}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    return done.stdout


def test_lifecycle(bench_url, catalog_bench):
    out = catalog_bench("bench_lifecycle.py", bench_url, "--quick")
    assert "yiwang services            ×1" in out
    assert "queries/case" in out and "CPU ms/case" in out
    assert "审计链完整" in out
    if ON_POSTGRES:
        for line in ("raw SQL floor              ×2", "raw SQL floor, pipelined", "SpiffWorkflow, equal work  ×2"):
            assert line in out
        assert "ratio services / Spiff-equal" in out


@pytest.mark.skipif(ON_POSTGRES, reason="the same code as on SQLite; once is enough")
def test_lifecycle_per_call(bench_url, catalog_bench):
    out = catalog_bench("bench_lifecycle.py", bench_url, "--per-case", "--cases", "1")
    for call in ("submit", "accept", "task_complete", "propose", "decide", "deliver"):
        assert f"  {call} " in out
    assert "services alone, per case" in out


def test_search(bench_url, catalog_bench):
    out = catalog_bench("bench_search.py", bench_url, "--items", "20", "--rounds", "1")
    assert "yiwang search" in out and "held-out" in out and "icontains" in out
    if ON_POSTGRES:
        assert "PostgreSQL full-text" in out and "PostgreSQL pg_trgm" in out


def test_licence_verify(bench_url, catalog_bench):
    out = catalog_bench("bench_licence_verify.py", bench_url, "--licences", "300", "--signed", "30", "--checks", "30")
    assert "plain indexed lookup + same checks" in out


def test_grid(bench_url, catalog_bench):
    out = catalog_bench("bench_grid.py", bench_url, "--points", "500", "--naive-sample", "20", "--fine-cells", "300")
    assert "yiwang cells_for (STRtree + covered_by)" in out and "naive contains() over every cell" in out
    assert "extrapolated to 500" in out and "ratio yiwang / naive" in out
    assert "≥ 5,000 points/s with 3,000 cells" in out


@pytest.mark.skipif(ON_POSTGRES, reason="no database: once is enough")
def test_repeats(bench_url):
    out = run_bench("bench_repeats.py", bench_url, "--problems", "150", "--seed", "3")
    assert "yiwang (category, 150 m, 90 days, words)" in out and "naive (category, 150 m, 90 days)" in out
    assert "ratio yiwang / naive" in out


@pytest.mark.skipif(not ON_POSTGRES, reason="the server benchmark needs PostgreSQL")
def test_submit(bench_url, catalog_bench):
    out = catalog_bench(
        "bench_submit.py", bench_url, "--threads", "2", "--workers", "2", "--seconds", "3", "--raw-seconds", "10"
    )
    assert "yiwang POST /api/v1/cases" in out and "raw SQL (psycopg)" in out and "queries" in out


@pytest.mark.skipif(not ON_POSTGRES, reason="the monthly report's benchmark writes with COPY: PostgreSQL only")
def test_report(catalog_bench):
    import psycopg

    server = URL.rsplit("/", 1)[0]
    name = f"yiwang_report_bench_smoke_{uuid.uuid4().hex[:8]}"
    try:
        out = catalog_bench("bench_report.py", f"{server}/{name}", "--orders", "2000", "--repeat", "1")
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert "yiwang monthly_report" in out and "naive Python loops" in out and "ratio naive / yiwang" in out
    assert "both agree" in out


@pytest.mark.skipif(not ON_POSTGRES, reason="the 12345 scale benchmark loads with PostgreSQL's SQL: PostgreSQL only")
def test_hotline_scale(bench_url, catalog_bench):
    args = ("--orders", "2000", "--cells", "300", "--requests", "2", "--naive-requests", "1", "--repeat", "1")
    out = catalog_bench("bench_hotline_scale.py", bench_url, *args)
    assert "database: built" in out and "grid cells" in out and "work orders" in out
    for key in ("pending", "returned", "callback", "warning", "extensions"):
        assert f" {key} (" in out and f"GET /workbench/hotline/queue/{key}/ (rendered)" in out
    assert out.count("naive: filter in Python over the district") == 5
    assert out.count("naive: filter in Python over published orders") == 6
    assert out.count("(the pagination extension)") == 6
    assert "cold: no earlier month published" in out and "the earlier months published" in out
    assert "both agree on the totals" in out
    # five queues, six Open311 queries each at the default answer and at a page, the report
    assert out.count("ratio naive / yiwang") == 5 + 6 * 2 + 1
    # Each order stores the words intake would have stored (the report's hotspots and repeat detection read them).
    import psycopg

    from yiwang.hotline.repeats import terms_of

    with psycopg.connect(bench_url) as conn:
        texts = conn.execute(
            "SELECT DISTINCT description, address, terms FROM hotline_workorder ORDER BY 1, 2 LIMIT 200"
        ).fetchall()
    assert any(address for _d, address, _t in texts) and any(not address for _d, address, _t in texts)
    assert [terms for _d, _a, terms in texts] == [terms_of(d, a) for d, a, _t in texts]
    # Run again on the same database: reused, not rebuilt.
    again = run_bench("bench_hotline_scale.py", bench_url, *args, "--only", "report")
    assert "database: reused" in again and "database: built" not in again
