"""The seeded indicator systems: the five dimensions of the Shaanxi paper and the six themes of the Shandong study,
each weighted to 100, every indicator valid; and their admin pages."""

import pytest

from yiwang.evaluation.models import Dimension, EvaluationSystem, Indicator
from yiwang.evaluation.seeds import load_evaluation_systems
from yiwang.evaluation.sources import SOURCES

pytestmark = pytest.mark.django_db


def test_the_five_dimensions_of_online_service():
    system = EvaluationSystem.objects.get(code="online-service")
    assert [d.name for d in system.dimensions.order_by("position")] == [
        "服务方式完备度",
        "服务事项覆盖度",
        "办事指南准确度",
        "在线办理成熟度",
        "在线服务成效度",
    ]
    sources = set(Indicator.objects.filter(dimension__system=system).values_list("source", flat=True))
    assert {
        "channel_completeness",
        "item_coverage",
        "guide_accuracy",
        "online_maturity",
        "online_effectiveness",
    } <= sources


def test_the_six_themes_of_coordination():
    system = EvaluationSystem.objects.get(code="coordination")
    assert [d.name for d in system.dimensions.order_by("position")] == [
        "统筹协调机制",
        "联合审批与集中审批",
        "职责交叉重叠",
        "办事流程协同",
        "协同监管",
        "信息互联互通与共享",
    ]
    # The mechanism is scored on evidence; whether related items were devolved together the 放权同步 check computes.
    mechanism = {i.name: i for i in system.dimensions.get(name="统筹协调机制").indicators.all()}
    assert not mechanism["主办协办机制健全"].computed and mechanism["主办协办机制健全"].evidence_required
    assert mechanism["关联事项同步下放"].source == "devolution_in_step"
    sources = set(Indicator.objects.filter(dimension__system=system).values_list("source", flat=True))
    assert {
        "joint_on_time",
        "assist_on_time",
        "claim_on_time",
        "decision_push_rate",
        "materials_waived_rate",
        "devolution_in_step",
    } <= sources


@pytest.mark.parametrize("code", ["online-service", "coordination"])
def test_each_system_is_whole(code):
    system = EvaluationSystem.objects.get(code=code)
    assert sum(d.weight for d in system.dimensions.all()) == 100
    assert system.basis
    for indicator in Indicator.objects.filter(dimension__system=system):
        indicator.full_clean()
        assert not indicator.computed or indicator.source in SOURCES


def test_loading_again_keeps_an_administrators_weights():
    dimension = Dimension.objects.get(system__code="coordination", name="职责交叉重叠")
    Dimension.objects.filter(pk=dimension.pk).update(weight=12)
    load_evaluation_systems()
    assert Dimension.objects.get(pk=dimension.pk).weight == 12
    assert EvaluationSystem.objects.filter(code__in=["online-service", "coordination"]).count() == 2


def test_the_admin_maintains_a_system_until_a_round_scores_under_it(client, superuser, scoring_round):
    client.force_login(superuser)
    seeded = EvaluationSystem.objects.get(code="coordination")
    page = client.get(f"/admin/evaluation/evaluationsystem/{seeded.pk}/change/")
    assert page.status_code == 200 and "评估维度" in page.content.decode() and 'name="_save"' in page.content.decode()
    assert client.get("/admin/evaluation/indicator/").status_code == 200
    in_use = client.get(f"/admin/evaluation/evaluationsystem/{scoring_round.system_id}/change/").content.decode()
    assert 'name="_save"' not in in_use
    indicator = Indicator.objects.filter(dimension__system=scoring_round.system).first()
    assert 'name="_save"' not in client.get(f"/admin/evaluation/indicator/{indicator.pk}/change/").content.decode()
    assert client.get(f"/admin/evaluation/evaluationround/{scoring_round.pk}/change/").status_code == 200
