"""A round from draft to closed through the services: what each refuses, what it writes, what it audits."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.case_fixtures import PDF
from yiwang.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from yiwang.core.models import AuditEntry
from yiwang.evaluation import services
from yiwang.evaluation.models import ComputedValue, EvaluationRound, Indicator, Score
from yiwang.insights.models import DailyFigure
from yiwang.insights.services import month_roll_up
from yiwang.org.models import Department, Region

from .conftest import departments

pytestmark = pytest.mark.django_db


def evidence(name="检查记录.pdf"):
    return SimpleUploadedFile(name, PDF + name.encode(), content_type="application/pdf")


def scored(system):
    return list(Indicator.objects.filter(dimension__system=system, method="scored").order_by("dimension__position"))


def _figure(department, day, **counts):
    item = department.implementations.first().item
    DailyFigure.objects.create(day=day, region=department.region, department=department, item=item, **counts)
    month_roll_up(day.replace(day=1))


def test_create_checks_every_field_at_once(catalog_admin, small_system, haizhu, evaluator, supervisor):
    tianhe = Department.objects.get(region__code="440106", kind="SAMR")
    with pytest.raises(ValidationFailed) as refused:
        services.round_create(
            actor=catalog_admin,
            system=small_system,
            name=" ",
            region=haizhu,
            period="2026-13",
            departments=[tianhe],
            evaluators=[evaluator, supervisor],
        )
    assert set(refused.value.fields) == {"name", "period", "subjects", "evaluators"}
    assert "天河区" in refused.value.fields["subjects"][0]
    assert EvaluationRound.objects.filter(name="").count() == 0


def test_only_a_manager_of_the_region_creates_a_round(clerk, tianhe_reviewer, small_system, haizhu, evaluator):
    for actor in (clerk, tianhe_reviewer, evaluator):
        with pytest.raises(NotFound):
            services.round_create(
                actor=actor,
                system=small_system,
                name="越权",
                region=haizhu,
                period="2026",
                departments=departments("SAMR"),
            )


def test_the_government_head_may_create_one(gov_head, small_system, haizhu, evaluator):
    found = services.round_create(
        actor=gov_head,
        system=small_system,
        name="区政府组织的评估",
        region=haizhu,
        period="2026-11",
        departments=departments("SAMR"),
        districts=[Region.objects.get(code="440105001")],
        evaluators=[evaluator],
    )
    assert [s.kind for s in found.subjects.order_by("pk")] == ["department", "district"]
    assert found.status == "draft" and found.period == "2026-11"


def test_opening_snapshots_the_computed_indicators(draft_round, catalog_admin):
    samr = Department.objects.get(region__code="440105", kind="SAMR")
    _figure(samr, dt.date(2026, 11, 2), applied=4, applied_online=3, zero_visit=1)
    services.round_open(actor=catalog_admin, round_=draft_round)
    values = {
        (v.subject.department.kind, v.indicator.source): v.value
        for v in ComputedValue.objects.filter(subject__round=draft_round).select_related(
            "subject__department", "indicator"
        )
    }
    assert values == {
        ("SAMR", "online_rate"): 0.75,
        ("SAMR", "zero_visit_rate"): 0.25,
        ("HEALTH", "online_rate"): None,
        ("HEALTH", "zero_visit_rate"): None,
    }
    draft_round.refresh_from_db()
    assert draft_round.status == "scoring" and draft_round.opened_at is not None
    with pytest.raises(InvalidTransition):
        services.round_open(actor=catalog_admin, round_=draft_round)


def test_a_round_without_evaluators_does_not_open(catalog_admin, small_system, haizhu):
    found = services.round_create(
        actor=catalog_admin,
        system=small_system,
        name="无人评估",
        region=haizhu,
        period="2026",
        departments=departments("SAMR"),
    )
    with pytest.raises(ValidationFailed) as refused:
        services.round_open(actor=catalog_admin, round_=found)
    assert "evaluators" in refused.value.fields
    found.refresh_from_db()
    assert found.status == "draft"


def test_an_evaluator_scores_within_the_maximum_with_evidence(scoring_round, evaluator):
    subject = scoring_round.subjects.order_by("pk").first()
    mechanism, flow = scored(scoring_round.system)
    with pytest.raises(ValidationFailed) as refused:
        services.score_save(actor=evaluator, round_=scoring_round, subject=subject, indicator=mechanism, value="11")
    assert "value" in refused.value.fields
    with pytest.raises(ValidationFailed) as refused:
        services.score_save(actor=evaluator, round_=scoring_round, subject=subject, indicator=mechanism, value="8")
    assert refused.value.fields == {"evidence": ["该指标须上传佐证材料"]}
    for bad in ("abc", "-1", "NaN", "7.555"):
        with pytest.raises(ValidationFailed):
            services.score_save(actor=evaluator, round_=scoring_round, subject=subject, indicator=flow, value=bad)
    score = services.score_save(
        actor=evaluator,
        round_=scoring_round,
        subject=subject,
        indicator=mechanism,
        value="8.5",
        comment="分工文件齐全，台账缺 10 月",
        evidence=evidence(),
    )
    assert score.value == Decimal("8.50") and score.evidence_name == "检查记录.pdf" and score.evidence_key
    # Scoring again replaces the score; without a new file the evidence stays.
    again = services.score_save(actor=evaluator, round_=scoring_round, subject=subject, indicator=mechanism, value="9")
    assert again.pk == score.pk and again.value == Decimal(9) and again.evidence_key == score.evidence_key
    assert AuditEntry.objects.filter(action="evaluation.score", target_id=str(score.pk)).count() == 2


def test_only_an_assigned_evaluator_scores_and_only_scored_indicators(scoring_round, evaluator, catalog_admin):
    subject = scoring_round.subjects.first()
    mechanism = scored(scoring_round.system)[0]
    computed = Indicator.objects.filter(dimension__system=scoring_round.system, method="computed").first()
    with pytest.raises(NotFound):
        services.score_save(actor=catalog_admin, round_=scoring_round, subject=subject, indicator=mechanism, value="5")
    with pytest.raises(NotFound):
        services.score_save(actor=evaluator, round_=scoring_round, subject=subject, indicator=computed, value="0.5")
    scoring_round.evaluators.clear()
    with pytest.raises(NotFound):
        services.score_save(
            actor=evaluator, round_=scoring_round, subject=subject, indicator=mechanism, value="5", evidence=evidence()
        )


def test_no_score_before_opening_nor_after_closing(draft_round, evaluator, catalog_admin):
    subject = draft_round.subjects.first()
    flow = scored(draft_round.system)[1]
    with pytest.raises(Conflict):
        services.score_save(actor=evaluator, round_=draft_round, subject=subject, indicator=flow, value="3")
    services.round_open(actor=catalog_admin, round_=draft_round)
    services.round_close(actor=catalog_admin, round_=draft_round)
    with pytest.raises(Conflict):
        services.score_save(actor=evaluator, round_=draft_round, subject=subject, indicator=flow, value="3")
    assert not Score.objects.filter(subject__round=draft_round).exists()


def test_closing_writes_totals_and_ranks_by_hand(scoring_round, evaluator, catalog_admin):
    samr, health = scoring_round.subjects.select_related("department").order_by("department__kind")[::-1]
    assert samr.department.kind == "SAMR"
    mechanism, flow = scored(scoring_round.system)
    # Figures appear after opening: closing reads them again.
    department = samr.department
    _figure(department, dt.date(2026, 10, 9), applied=10, applied_online=9, zero_visit=5)
    _figure(Department.objects.get(pk=health.department_id), dt.date(2026, 12, 1), applied=5, applied_online=5)
    services.score_save(
        actor=evaluator, round_=scoring_round, subject=samr, indicator=mechanism, value="6", evidence=evidence()
    )
    services.score_save(actor=evaluator, round_=scoring_round, subject=samr, indicator=flow, value="4")
    services.score_save(
        actor=evaluator,
        round_=scoring_round,
        subject=health,
        indicator=mechanism,
        value="10",
        evidence=evidence("b.pdf"),
    )
    services.round_close(actor=catalog_admin, round_=scoring_round)
    samr.refresh_from_db()
    health.refresh_from_db()
    # 市场监管: 0.9 × 30 + 6/10 × 30 + 0.5 × 30 + 4/5 × 10 = 27 + 18 + 15 + 8 = 68.
    assert samr.total == Decimal("68.00") and samr.result["missing"] == []
    # 卫健: 1.0 × 30 + 10/10 × 30 + zero-visit 0/5 × 30 + flow missing 0 = 60; nothing without data.
    assert health.total == Decimal("60.00")
    assert health.result["missing"] == [flow.pk]
    assert (samr.rank, health.rank) == (1, 2)
    assert AuditEntry.objects.filter(action="evaluation_round.close", target_id=str(scoring_round.pk)).exists()


def test_the_system_is_frozen_once_scoring_began(scoring_round):
    indicator = Indicator.objects.filter(dimension__system=scoring_round.system).first()
    indicator.weight = 5
    with pytest.raises(Conflict):
        indicator.save()


def test_evidence_outlives_the_upload_sweep(scoring_round, evaluator, django_capture_on_commit_callbacks):
    from yiwang.core.models import Upload
    from yiwang.core.storage import material_store, upload_sweep

    mechanism = scored(scoring_round.system)[0]
    score = services.score_save(
        actor=evaluator,
        round_=scoring_round,
        subject=scoring_round.subjects.first(),
        indicator=mechanism,
        value="6",
        evidence=evidence("留存.pdf"),
    )
    Upload.objects.filter(key=score.evidence_key).update(created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    with django_capture_on_commit_callbacks(execute=True):
        assert upload_sweep() == {"uploads": 0, "files": 0}
    assert material_store().read(score.evidence_key) == PDF + "留存.pdf".encode()
