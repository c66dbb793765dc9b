"""Repeat detection (hotline.repeats) on generated 12345 reports whose repeats are known (hotline.synthetic), beside
the naive rule "same category within 150 m and 90 days" in the same run: precision and recall over pairs of
reports about one problem, and reports per second.

    .venv/bin/python bench/bench_repeats.py                       # 3,000 problems (about 9,000 reports), seed 7
    .venv/bin/python bench/bench_repeats.py --problems 200 --seed 3

The similarity threshold (hotline.repeats.SIMILARITY) was chosen on seed 1; read the figures of other seeds.
"""

import argparse
import datetime as dt
import os
import sys
import time


def _pairs_of(groups) -> list[tuple[int, int]]:
    return [(a, b) for group in groups for n, a in enumerate(group) for b in group[n + 1 :]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--problems", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiwang.config.settings.dev")
    # Nothing here reads a database: the reports are generated in memory.
    os.environ["DATABASE_URL"] = "sqlite://:memory:"
    import django

    django.setup()
    from yiwang.catalog.search import words
    from yiwang.hotline.repeats import repeat_groups
    from yiwang.hotline.synthetic import generate, pair_scores

    words("预热分词词典")  # jieba's dictionary loads once per process; not part of either figure
    reports, truth = generate(problems=args.problems, seed=args.seed, start=dt.datetime(2026, 9, 1, tzinfo=dt.UTC))
    print(f"{len(reports)} reports of {args.problems} problems (seed {args.seed}); threshold chosen on seed 1")
    lines = {}
    for label, similarity in (
        ("yiwang (category, 150 m, 90 days, words)", None),
        ("naive (category, 150 m, 90 days)", 0.0),
    ):
        started = time.perf_counter()
        groups = repeat_groups(reports) if similarity is None else repeat_groups(reports, similarity=similarity)
        elapsed = time.perf_counter() - started
        precision, recall = pair_scores(_pairs_of(groups), truth)
        lines[label] = (precision, recall)
        print(
            f"{label:<44} precision {precision:5.3f}  recall {recall:5.3f}  {len(groups):6d} groups"
            f"  {len(reports) / elapsed:9.0f} reports/s"
        )
    (ours_p, ours_r), (naive_p, naive_r) = lines.values()
    print(f"{'ratio yiwang / naive':<44} precision {ours_p / naive_p:5.2f}×  recall {ours_r / naive_r:5.2f}×")
    if ours_p < 0.9 or ours_r < 0.9:
        sys.exit("precision or recall below 0.9 (issue #12)")


if __name__ == "__main__":
    main()
