"""Weighted totals and rankings, worked by hand on plain objects (no database)."""

from decimal import Decimal
from types import SimpleNamespace

from yiwang.evaluation import scoring


def indicator(pk, dimension, dimension_weight, weight, *, max_score=None):
    return SimpleNamespace(
        pk=pk,
        dimension_id=dimension,
        dimension=SimpleNamespace(weight=Decimal(dimension_weight)),
        weight=Decimal(weight),
        computed=max_score is None,
        max_score=None if max_score is None else Decimal(max_score),
    )


# Dimension 1 (60): #1 computed, weight 1 → 30; #2 scored /10, weight 1 → 30.
# Dimension 2 (40): #3 computed, weight 3 → 30; #4 scored /5, weight 1 → 10.
INDICATORS = [
    indicator(1, 1, 60, 1),
    indicator(2, 1, 60, 1, max_score=10),
    indicator(3, 2, 40, 3),
    indicator(4, 2, 40, 1, max_score=5),
]


def test_points_share_the_dimension_weight_by_the_indicator_weights():
    assert scoring.points(INDICATORS) == {1: 30.0, 2: 30.0, 3: 30.0, 4: 10.0}


def test_a_total_by_hand():
    weights = scoring.points(INDICATORS)
    # 0.8 × 30 + (7 + 9) / 2 / 10 × 30 + 0.5 × 30 + 4 / 5 × 10 = 24 + 24 + 15 + 8 = 71
    result = scoring.subject_result(
        INDICATORS, weights, {1: 0.8, 3: 0.5}, {2: [Decimal(7), Decimal(9)], 4: [Decimal(4)]}
    )
    assert result.total == 71.0
    assert result.missing() == [] and result.no_data() == []
    assert result.dimensions() == {1: {"earned": 48.0, "points": 60.0}, 2: {"earned": 23.0, "points": 40.0}}
    assert result.lines[2].scores == 2


def test_a_missing_score_counts_zero_and_is_flagged():
    weights = scoring.points(INDICATORS)
    # 0.8 × 30 + 0 + 0.5 × 30 + 4 / 5 × 10 = 47
    result = scoring.subject_result(INDICATORS, weights, {1: 0.8, 3: 0.5}, {4: [Decimal(4)]})
    assert result.total == 47.0
    assert result.missing() == [2]
    assert result.as_dict()["lines"]["2"]["state"] == scoring.MISSING


def test_a_computed_indicator_without_data_does_not_apply_and_the_total_is_scaled():
    weights = scoring.points(INDICATORS)
    # #1 has no data: earned 24 + 15 + 8 = 47 of the 70 points that applied → 47 / 70 × 100 = 67.14
    result = scoring.subject_result(INDICATORS, weights, {1: None, 3: 0.5}, {2: [Decimal(8)], 4: [Decimal(4)]})
    assert result.no_data() == [1]
    assert result.applicable == 70.0 and result.earned == 47.0
    assert result.total == 67.14


def test_nothing_applied_means_no_total():
    only_computed = [indicator(1, 1, 100, 1)]
    result = scoring.subject_result(only_computed, scoring.points(only_computed), {1: None}, {})
    assert result.total is None


def test_ranks_share_a_place_on_a_tie_and_skip_the_next():
    assert scoring.ranks({10: 80.0, 11: 92.5, 12: 80.0, 13: 70.0, 14: None}) == {
        11: 1,
        10: 2,
        12: 2,
        13: 4,
        14: None,
    }
