"""The query sets the search is measured on: big enough, by kind, every expected code real (bench/bench_search.py
reads them; recall is measured there, not here)."""

from collections import Counter
from pathlib import Path

import yaml

from yiwang.catalog.reference import reference_data

ROOT = Path(__file__).resolve().parents[2]
KINDS = {"english", "traditional", "pinyin", "indirect", "names", "life_event", "rambling", "typo", "uncovered"}


def _codes() -> set[str]:
    data = reference_data()
    return {row["ref"] for row in data["items"]} | {row["ref"] for row in data["bundles"]}


def test_the_held_out_set_has_every_kind_and_thirty_needs_handled_elsewhere():
    cases = yaml.safe_load((ROOT / "bench" / "search_heldout.yaml").read_text("utf-8"))
    kinds = Counter(case["kind"] for case in cases)
    assert len(cases) >= 150 and set(kinds) == KINDS
    assert kinds["uncovered"] >= 30 and min(kinds.values()) >= 15
    assert len({case["query"] for case in cases}) == len(cases)
    for case in cases:
        assert (case["kind"] == "uncovered") == (case["expect"] == []), case
        assert set(case["expect"]) <= _codes(), case


def test_the_tuned_set_never_repeats_a_held_out_query():
    held = {c["query"] for c in yaml.safe_load((ROOT / "bench" / "search_heldout.yaml").read_text("utf-8"))}
    tuned = yaml.safe_load((ROOT / "tests" / "catalog" / "search_queries.yaml").read_text("utf-8"))
    assert not held & {c["query"] for c in tuned}
    assert all(set(c["expect"]) <= _codes() for c in tuned)
