"""Repeat detection links work orders about one problem at one place, and nothing else; a problem reported again
and again becomes a hotspot (issue #12: distance, category and jieba terms; 老大难 after repeats within 90 days)."""

import datetime as dt

from yiwang.catalog.search import words
from yiwang.hotline.repeats import Report, hotspots, repeat_groups, terms_of
from yiwang.hotline.synthetic import generate, pair_scores

MONDAY = dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC)
# 宝业路 88号 and a point about 200 m east of it.
HERE = (113.2700, 23.0900)
EAST_200M = (113.2720, 23.0900)


def _among_others(reports: list[Report]) -> list[tuple]:
    """The groups of these reports when detected among a district's other orders of those 90 days, as in use: the
    word weights come from the whole batch, and a batch of five says little about which words are common."""
    background, _truth = generate(problems=300, seed=5, start=MONDAY - dt.timedelta(days=30))
    ours = {report.key for report in reports}
    found = [tuple(key for key in group if key in ours) for group in repeat_groups(background + reports)]
    return [group for group in found if len(group) > 1]


def _report(key, category, place, text, *, days=0, address="宝业路88号"):
    longitude, latitude = place if place else (None, None)
    return Report(key, category, longitude, latitude, text, MONDAY + dt.timedelta(days=days), address)


def test_two_callers_about_one_ktv_are_linked_and_its_neighbours_are_not():
    reports = [
        _report("a", "noise.KTV", HERE, "宝业路88号的KTV每天唱到凌晨，严重影响休息，请尽快处理"),
        _report("b", "noise.KTV", (113.2703, 23.0902), "我住在附近，宝业路88号KTV音响声音很大，要求整改", days=3),
        # the square dancers outside the same building: another leaf category, another problem
        _report("c", "noise.广场舞", HERE, "宝业路88号的广场舞音乐声很大，影响休息", days=1),
        # another KTV 200 m down the road
        _report("d", "noise.KTV", EAST_200M, "宝业路150号的KTV唱歌到凌晨", days=2, address="宝业路150号"),
        # the same KTV again, but more than 90 days after the others
        _report("e", "noise.KTV", HERE, "宝业路88号KTV唱到凌晨，请处理", days=120),
        # no coordinates: never linked by place
        _report("f", "noise.KTV", None, "宝业路88号KTV唱到凌晨", days=4),
    ]
    assert _among_others(reports) == [("a", "b")]


def test_links_are_transitive_and_groups_come_largest_first():
    place = "江南西路12号花园"
    reports = [
        _report("w1", "water.停水", HERE, f"{place}停水已经两天", address=place),
        _report("w2", "water.停水", HERE, f"{place}没有自来水，停水已经两天", days=1, address=place),
        _report("w3", "water.停水", HERE, f"{place}没有自来水，一直没来水", days=2, address=place),
        _report("k4", "noise.KTV", EAST_200M, "宝业路150号的KTV唱歌到凌晨", address="宝业路150号"),
        _report("k5", "noise.KTV", EAST_200M, "宝业路150号KTV音响声音很大唱歌到凌晨", days=1, address="宝业路150号"),
    ]
    assert _among_others(reports) == [("w1", "w2", "w3"), ("k4", "k5")]
    found = [spot for spot in hotspots(reports + generate(problems=300, seed=5, start=MONDAY)[0]) if "w1" in spot.keys]
    assert [spot.keys for spot in found] == [("w1", "w2", "w3")]
    assert found[0].category == "water.停水" and found[0].last_at - found[0].first_at == dt.timedelta(days=2)


def test_generated_reports_with_known_repeats_score_at_least_ninety_percent():
    """The issue's bar (precision and recall ≥ 0.9) on generated reports of a seed the threshold was not chosen on;
    bench/bench_repeats.py prints the same on 3,000 problems beside the naive rule."""
    reports, truth = generate(problems=300, seed=11, start=MONDAY)
    groups = repeat_groups(reports)
    pairs = [(a, b) for group in groups for n, a in enumerate(group) for b in group[n + 1 :]]
    precision, recall = pair_scores(pairs, truth)
    assert precision >= 0.9 and recall >= 0.9, (precision, recall)
    naive_precision, _ = pair_scores(
        [(a, b) for g in repeat_groups(reports, similarity=0.0) for n, a in enumerate(g) for b in g[n + 1 :]], truth
    )
    assert naive_precision < precision


def test_the_words_stored_at_intake_are_those_compared_and_stand_in_for_segmenting():
    text, address = "宝业路88号的KTV每天唱到凌晨，严重影响休息", "宝业路88号"
    stored = terms_of(text, address)
    assert tuple(stored.split()) == words(f"{address} {text}") and "ktv" in stored.split()
    # Detection reads the stored words when an order has them: texts that say nothing alike, stored words alike.
    same = tuple(stored.split())
    reports = [
        Report("a", "noise.KTV", *HERE, "甲", MONDAY, terms=same),
        Report("b", "noise.KTV", *HERE, "乙", MONDAY, terms=same),
        Report("c", "noise.KTV", *HERE, text, MONDAY, address=address),  # none stored: segmented here, as before
    ]
    assert repeat_groups(reports) == [("a", "b", "c")]
