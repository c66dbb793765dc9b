"""Search benchmark: recall@1, recall@5 and the clean "not here" share, per kind of query, and latency of catalog
search beside PostgreSQL's own text search.

    .venv/bin/python bench/bench_search.py [--items 10000]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/yiwang_bench .venv/bin/python bench/bench_search.py

Builds a fresh database (SQLite in a temporary directory, or the PostgreSQL database DATABASE_URL names,
dropped and recreated, then VACUUM ANALYZE as autovacuum would), loads the reference catalog, adds `--items`
synthetic items, then runs two query sets through every search in the same process:
- tuned: tests/catalog/search_queries.yaml, written together with the keyword, synonym and referral data;
- held-out: bench/search_heldout.yaml, written apart from that data and never used to tune it (its header says
  who wrote it and what happened since); each query has a kind (english, traditional, pinyin, indirect, names,
  life_event, rambling, typo, uncovered).

Ours is `answer()`: its answers (not the "did you mean" suggestions) count for recall; a need nobody here handles
is answered cleanly when it is referred elsewhere with no list of items. A peer has no referral: its cleanest
answer to such a need is an empty list, and that is what its clean share counts.

Peers, on PostgreSQL (each over the same published items and bundles, their names cut into words by jieba's
cut_for_search and joined with spaces, since neither PostgreSQL parser splits Chinese into words):
- full-text: to_tsvector('simple', words) under a GIN index; the query's jieba words OR-ed in a tsquery;
  ranked by ts_rank_cd, then code.
- pg_trgm: the words under a GIN trigram index (gin_trgm_ops); rows whose trigram similarity to the query's
  words passes pg_trgm.similarity_threshold (0.1: the default 0.3 finds almost nothing for two-character
  Chinese words), ranked by similarity, then code.
- icontains (both databases): an item or bundle matches when its name contains the whole query or any jieba
  word of it; ranked by how many words it contains. Kept as the floor of a site without any search engine.
"""

import argparse
import statistics
import time
from pathlib import Path

from _setup import catalog_database

ROOT = Path(__file__).resolve().parent.parent
QUERY_SETS = {
    "tuned": ROOT / "tests" / "catalog" / "search_queries.yaml",
    "held-out": Path(__file__).resolve().parent / "search_heldout.yaml",
}
TRGM_THRESHOLD = 0.1
TOP = 5


def _setup(items: int) -> None:
    # With dev's DEBUG on, as the published figures were measured.
    seconds = catalog_database("", debug=True)
    import django

    from yiwang.catalog.generated import generate_items

    loaded = time.perf_counter()
    made = generate_items(count=items)
    if django.db.connection.vendor == "postgresql":
        # What autovacuum does to a live database after a bulk load: statistics for the planner and a visibility
        # map for index-only scans. Without them the term counts run as sequential scans (7–35 ms, not 2).
        with django.db.connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE catalog_searchterm, catalog_searchentry")
    print(
        f"database: {django.db.connection.vendor}; reference catalog loaded in {seconds:.1f} s; "
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


def _words(text: str) -> list[str]:
    import jieba

    return [w for w in dict.fromkeys(jieba.cut_for_search(text)) if w.strip()]


def _build_peer_index() -> float:
    """The peers' table: one row per published item and bundle, its jieba words, their tsvector; both indexes."""
    from django.db import connection

    from yiwang.catalog.models import Bundle, ServiceItem

    started = time.perf_counter()
    rows = [
        *ServiceItem.objects.exclude(current_version=None).values_list("code", "name"),
        *Bundle.objects.values_list("code", "name"),
    ]
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute("DROP TABLE IF EXISTS bench_search_doc")
        cursor.execute("CREATE TABLE bench_search_doc (code text PRIMARY KEY, words text NOT NULL, tsv tsvector)")
        cursor.executemany(
            "INSERT INTO bench_search_doc (code, words) VALUES (%s, %s)",
            [(code, " ".join(_words(name))) for code, name in rows],
        )
        cursor.execute("UPDATE bench_search_doc SET tsv = to_tsvector('simple', words)")
        cursor.execute("CREATE INDEX bench_search_doc_tsv ON bench_search_doc USING gin (tsv)")
        cursor.execute("CREATE INDEX bench_search_doc_trgm ON bench_search_doc USING gin (words gin_trgm_ops)")
        cursor.execute("ANALYZE bench_search_doc")
    return time.perf_counter() - started


def _fulltext(query: str, *, limit: int = 10) -> list[str]:
    from django.db import connection

    words = [w.replace("'", "") for w in _words(query.strip()) if w.strip("'")]
    if not words:
        return []
    tsquery = " | ".join(f"'{w}'" for w in words)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT code FROM bench_search_doc, to_tsquery('simple', %s) q WHERE tsv @@ q"
            " ORDER BY ts_rank_cd(tsv, q) DESC, code LIMIT %s",
            [tsquery, limit],
        )
        return [code for (code,) in cursor.fetchall()]


def _trigram(query: str, *, limit: int = 10) -> list[str]:
    from django.db import connection

    words = " ".join(_words(query.strip()))
    if not words:
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"SET pg_trgm.similarity_threshold = {TRGM_THRESHOLD}")
        cursor.execute(
            "SELECT code FROM bench_search_doc WHERE words %% %s ORDER BY similarity(words, %s) DESC, code LIMIT %s",
            [words, words, limit],
        )
        return [code for (code,) in cursor.fetchall()]


def _ours(query: str, *, limit: int = 10) -> tuple[list[str], bool]:
    """Our answers (not the "did you mean" suggestions), and whether the query was answered "not handled here"."""
    from yiwang.catalog.search import answer

    result = answer(query, limit=limit)
    return [hit.code for hit in result.hits], result.referral is not None


def _peer(run):
    """A peer has no "not handled here": an empty list is its cleanest answer to a need nobody here handles."""
    return lambda query, *, limit=10: (run(query, limit=limit), None)


def _score(run, cases: list[dict]) -> dict[str, float | None]:
    """recall@1 and recall@TOP over the covered queries; for the uncovered ones, the share answered cleanly:
    "not handled here" with no list of items (for a peer, with an empty list)."""
    first = top = covered = clean = uncovered = 0
    for case in cases:
        codes, referred = run(case["query"], limit=10)
        if case["expect"]:
            covered += 1
            first += bool(codes) and codes[0] in case["expect"]
            top += bool(set(case["expect"]) & set(codes[:TOP]))
        else:
            uncovered += 1
            clean += not codes and referred is not False
    return {
        "r1": first / covered if covered else None,
        "r5": top / covered if covered else None,
        "clean": clean / uncovered if uncovered else None,
        "n": len(cases),
    }


def _latency(run, cases: list[dict], rounds: int) -> tuple[float, float]:
    timings = []
    for _ in range(rounds):
        for case in cases:
            started = time.perf_counter()
            run(case["query"], limit=10)
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), statistics.quantiles(timings, n=20)[-1]


def _cell(value: float | None) -> str:
    return "   –  " if value is None else f"{value:6.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=10000, help="synthetic items besides the reference catalog")
    parser.add_argument("--rounds", type=int, default=5, help="times each query is timed")
    args = parser.parse_args()
    _setup(args.items)

    import yaml
    from django.db import connection

    from yiwang.catalog.models import SearchEntry, SearchTerm

    sets = {name: yaml.safe_load(path.read_text("utf-8")) for name, path in QUERY_SETS.items()}
    engines = [("yiwang search", _ours)]
    if connection.vendor == "postgresql":
        print(f"peer index (jieba words, tsvector, trigrams) built in {_build_peer_index():.1f} s")
        engines += [("PostgreSQL full-text", _peer(_fulltext)), ("PostgreSQL pg_trgm", _peer(_trigram))]
    engines.append(("icontains", _peer(_baseline)))
    heldout = sets["held-out"]
    kinds = list(dict.fromkeys(case.get("kind", "?") for case in heldout))
    print(
        f"index: {SearchEntry.objects.count()} entries, {SearchTerm.objects.count()} terms; "
        + ", ".join(f"{len(cases)} {name} queries" for name, cases in sets.items())
        + f"; latency over both sets × {args.rounds} rounds"
    )
    everything = [case for cases in sets.values() for case in cases]
    for label, run in engines:
        run(everything[0]["query"])  # load jieba's dictionary and the synonym table outside the timings
        p50, p95 = _latency(run, everything, args.rounds)
        tuned, held = _score(run, sets["tuned"]), _score(run, heldout)
        print(
            f"\n{label}: p50 {p50:.2f} ms, p95 {p95:.2f} ms; tuned recall@1 {_cell(tuned['r1'])} recall@{TOP} "
            f"{_cell(tuned['r5'])}; held-out recall@1 {_cell(held['r1'])} recall@{TOP} {_cell(held['r5'])} "
            f"clean not-here {_cell(held['clean'])}"
        )
        print(f"  {'held-out kind':<14} {'n':>3}  recall@1  recall@{TOP}  clean not-here")
        for kind in kinds:
            figures = _score(run, [c for c in heldout if c.get("kind", "?") == kind])
            print(
                f"  {kind:<14} {figures['n']:>3}  {_cell(figures['r1'])}    {_cell(figures['r5'])}  "
                f"{_cell(figures['clean'])}"
            )
    for name, cases in sets.items():
        misses = []
        for case in cases:
            codes, referred = _ours(case["query"], limit=TOP)
            wrong = not (set(case["expect"]) & set(codes)) if case["expect"] else codes or not referred
            if wrong:
                misses.append(case["query"])
        print(f"\n{name} queries our answer gets wrong (top {TOP} / not-here): {', '.join(misses) or 'none'}")


if __name__ == "__main__":
    main()
