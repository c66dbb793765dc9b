"""Search benchmark: recall@5 and latency of catalog search against a plain `icontains` baseline.

    .venv/bin/python bench/bench_search.py [--items 10000]

Builds a fresh database (SQLite in a temporary directory, or the PostgreSQL database DATABASE_URL names,
created if missing and emptied first), loads the reference catalog, adds `--items` synthetic items, then
runs every query of tests/catalog/search_queries.yaml through both searches in the same process.

Baseline: what a site without a search engine does. An item or bundle matches when its name contains the
whole query or any single jieba word of it (filler words of one character dropped, or nothing but noise
matches); matches are ranked by how many of the words the name contains, then by code. It is given the
same published-items-and-bundles scope, so the comparison is of ranking and recall, not of scope.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _setup import fresh_postgres_database

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "tests" / "catalog" / "search_queries.yaml"
TOP = 5


def _setup(items: int) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "yiwang.config.settings.dev"
    os.environ["YIWANG_VAR_DIR"] = tempfile.mkdtemp(prefix="yiwang-bench-")
    sys.path.insert(0, str(ROOT / "src"))
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        fresh_postgres_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    from yiwang.catalog.generated import generate_items
    from yiwang.catalog.reference import load_catalog, reference_data
    from yiwang.org.reference import load_organisation

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    data = reference_data()
    load_catalog(data, load_organisation(data))
    loaded = time.perf_counter()
    made = generate_items(count=items)
    print(
        f"database: {django.db.connection.vendor}; reference catalog loaded in {loaded - started:.1f} s; "
        f"{made} synthetic items generated and indexed in {time.perf_counter() - loaded:.1f} s"
    )


def _baseline(query: str, *, limit: int = 10) -> list[str]:
    import jieba
    from django.db.models import Q

    from yiwang.catalog.models import Bundle, ServiceItem

    query = query.strip()
    if not query:
        return []
    words = {w for w in jieba.cut_for_search(query) if len(w.strip()) >= 2}
    condition = Q(name__icontains=query)
    for word in words:
        condition |= Q(name__icontains=word)
    rows = [
        *ServiceItem.objects.filter(condition).exclude(current_version=None).values_list("code", "name"),
        *Bundle.objects.filter(condition).values_list("code", "name"),
    ]
    ranked = sorted(rows, key=lambda r: (-(query in r[1]), -sum(w in r[1] for w in words), r[0]))
    return [code for code, _ in ranked[:limit]]


def _ours(query: str, *, limit: int = 10) -> list[str]:
    from yiwang.catalog.search import search

    return [hit.code for hit in search(query, limit=limit)]


def _measure(run, cases: list[dict]) -> tuple[float, float, float]:
    found = expected = 0
    timings = []
    for case in cases:
        started = time.perf_counter()
        codes = run(case["query"], limit=10)
        timings.append((time.perf_counter() - started) * 1000)
        found += len(set(case["expect"]) & set(codes[:TOP]))
        expected += len(case["expect"])
    p50 = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20)[-1]
    return found / expected, p50, p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=10000, help="synthetic items besides the reference catalog")
    parser.add_argument("--rounds", type=int, default=5, help="times each query is timed")
    args = parser.parse_args()
    _setup(args.items)

    import yaml

    from yiwang.catalog.models import SearchEntry, SearchTerm

    cases = yaml.safe_load(QUERIES.read_text("utf-8"))
    print(
        f"index: {SearchEntry.objects.count()} entries, {SearchTerm.objects.count()} terms; "
        f"{len(cases)} queries × {args.rounds} rounds, top {TOP}"
    )
    results = {}
    for label, run in (("yiwang search", _ours), ("baseline icontains", _baseline)):
        run(cases[0]["query"])  # load jieba's dictionary and the synonym table outside the timings
        figures = [_measure(run, cases) for _ in range(args.rounds)]
        recall = figures[0][0]
        p50 = statistics.median(f[1] for f in figures)
        p95 = statistics.median(f[2] for f in figures)
        results[label] = (recall, p50, p95)
        print(f"{label:<20} recall@{TOP} {recall:.3f}   p50 {p50:6.2f} ms   p95 {p95:6.2f} ms")
    ours, base = results["yiwang search"], results["baseline icontains"]
    print(
        f"{'ratio (ours/base)':<20} recall@{TOP} {ours[0] / base[0]:.2f}×  p50 {ours[1] / base[1]:.2f}×  "
        f"p95 {ours[2] / base[2]:.2f}×"
    )
    misses = [c["query"] for c in cases if not set(c["expect"]) <= set(_ours(c["query"], limit=TOP))]
    print(f"queries with an expected code outside our top {TOP}: {', '.join(misses) or 'none'}")


if __name__ == "__main__":
    main()
