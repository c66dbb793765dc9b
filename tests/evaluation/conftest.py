"""Fixtures of the evaluation tests: the evaluator persona, a small indicator system whose totals are worked by
hand, and rounds over 海珠区's departments set up through the services."""

from decimal import Decimal

import pytest

from yiwang.accounts.models import User
from yiwang.evaluation import services
from yiwang.evaluation.models import Dimension, EvaluationSystem, Indicator
from yiwang.org.models import Department, Region

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def evaluator(db):
    """The city's 第三方评估人员 (gz-evaluator): reach 广州市, sees only the rounds assigned to them."""
    return User.objects.get(username="gz-evaluator")


@pytest.fixture
def gov_head(db):
    return User.objects.get(username="hz-gov-head")


@pytest.fixture
def haizhu(db):
    return Region.objects.get(code="440105")


@pytest.fixture
def small_system(db):
    """Two dimensions, 60 and 40 points. A: a computed online_rate (weight 1 → 30 points) and a scored indicator
    out of 10 (weight 1 → 30 points, evidence required). B: a computed zero_visit_rate (weight 3 → 30 points) and
    a scored one out of 5 (weight 1 → 10 points)."""
    system = EvaluationSystem.objects.create(code="test-small", name="测试指标体系")
    a = Dimension.objects.create(system=system, position=1, name="维度甲", weight=60)
    b = Dimension.objects.create(system=system, position=2, name="维度乙", weight=40)
    Indicator.objects.create(dimension=a, position=1, name="网办率", weight=1, method="computed", source="online_rate")
    Indicator.objects.create(
        dimension=a, position=2, name="机制建设", weight=1, method="scored", max_score=10, evidence_required=True
    )
    Indicator.objects.create(
        dimension=b, position=1, name="零跑动率", weight=3, method="computed", source="zero_visit_rate"
    )
    Indicator.objects.create(dimension=b, position=2, name="流程衔接", weight=1, method="scored", max_score=Decimal(5))
    return system


def departments(*kinds):
    return list(Department.objects.filter(region__code="440105", kind__in=kinds).order_by("kind"))


@pytest.fixture
def draft_round(catalog_admin, evaluator, small_system, haizhu):
    """海珠区's administrator evaluates 市场监管 and 卫健 on the test system for 2026-Q4, with the city's evaluator."""
    return services.round_create(
        actor=catalog_admin,
        system=small_system,
        name="测试评估",
        region=haizhu,
        period="2026-Q4",
        departments=departments("SAMR", "HEALTH"),
        evaluators=[evaluator],
    )


@pytest.fixture
def scoring_round(draft_round, catalog_admin):
    return services.round_open(actor=catalog_admin, round_=draft_round)
