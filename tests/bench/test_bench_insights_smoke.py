"""The efficiency indicators' scale benchmark (bench/bench_insights_scale.py), run with 2,000 cases over 45 days so
it cannot rot between the runs that publish its figures: the loader, the real rebuild in two processes, every
measured line, and the stored figures agreeing with the ones counted straight from the cases."""

import os
import re
import uuid

import pytest

from tests.bench.test_bench_smoke import run_bench

URL = os.environ.get("DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not URL.startswith("postgres"), reason="the insights scale benchmark loads with PostgreSQL's SQL: PostgreSQL only"
)


@pytest.fixture
def insights_url():
    import psycopg

    server = URL.rsplit("/", 1)[0]
    name = f"yiwang_insights_bench_smoke_{uuid.uuid4().hex[:8]}"
    yield f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_insights_scale(insights_url, prepared_database):
    args = ("--cases", "2000", "--days", "45", "--repeat", "1", "--rebuild-sample", "1")
    out = run_bench("bench_insights_scale.py", insights_url, *args, prepared=prepared_database)
    # 45 days of receipts, and the days after the last one that still saw decisions and ratings.
    assert "database: built" in out and re.search(r"daily figures: 4[5-9] days rebuilt", out)
    assert "monthly roll-up:" in out
    for step in ("cases", "correction notices", "ratings", "rectifications", "queue tickets", "required materials"):
        assert f"  {step} " in out
    assert out.count("stored, public (actor None)") == 5
    assert out.count("stored, as gz-supervisor (restrict())") == 3
    assert out.count("straight from the cases (count_cases)") == 5
    # Each period's stored figures equal the ones counted from the cases: the run asserts it and says so.
    assert out.count("both agree on every counter and indicator") == 5
    assert "one day's rebuild (the worker's incremental cost)" in out
    assert out.count("/workbench/insights/") == 4
    again = run_bench("bench_insights_scale.py", insights_url, *args, "--direct", "month")
    assert "database: reused" in again and "database: built" not in again
