"""The evaluation pages over HTTP: set up a round, open it, score with evidence, close it, read the ranking and
download the report; the round page's queries do not grow with its subjects and indicators."""

import io
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tests.case_fixtures import PDF
from tests.pdffonts import assert_every_font_embedded
from yiwang.evaluation import services
from yiwang.evaluation.models import EvaluationRound, EvaluationSystem, Indicator, Score
from yiwang.evaluation.seeds import load_demo_round
from yiwang.org.models import Region

from .conftest import departments

pytestmark = pytest.mark.django_db


def url(round_, tail=""):
    return f"/workbench/evaluation/{round_.pk}/{tail}"


def test_the_administrator_sets_a_round_up(client, catalog_admin, evaluator, small_system):
    client.force_login(catalog_admin)
    page = client.get("/workbench/evaluation/new/?region=440105")
    assert page.status_code == 200
    body = page.content.decode()
    assert "海珠区市场监督管理局" in body and "第三方评估机构评估员" in body and "南洲街道" in body
    samr, health = departments("HEALTH", "SAMR")
    form = {
        "region": "440105",
        "system": small_system.pk,
        "name": "2026 年第四季度评估",
        "period": "2026-Q4",
        "departments": [samr.pk, health.pk],
        "districts": [Region.objects.get(code="440105001").pk],
        "evaluators": [evaluator.pk],
    }
    refused = client.post("/workbench/evaluation/new/", {**form, "period": "下个季度"})
    assert refused.status_code == 422 and "统计周期格式" in refused.content.decode()
    assert not EvaluationRound.objects.filter(name=form["name"]).exists()
    response = client.post("/workbench/evaluation/new/", form)
    found = EvaluationRound.objects.get(name=form["name"])
    assert response.status_code == 302 and response["Location"] == url(found)
    assert found.subjects.count() == 3 and list(found.evaluators.all()) == [evaluator]


def test_a_whole_round_through_the_pages(client, draft_round, catalog_admin, evaluator):
    client.force_login(catalog_admin)
    assert client.post(url(draft_round, "open/")).status_code == 302
    draft_round.refresh_from_db()
    assert draft_round.status == "scoring"
    subject = draft_round.subjects.select_related("department").get(department__kind="SAMR")
    mechanism = Indicator.objects.get(dimension__system=draft_round.system, name="机制建设")
    flow = Indicator.objects.get(dimension__system=draft_round.system, name="流程衔接")
    target = url(draft_round, f"subjects/{subject.pk}/indicators/{mechanism.pk}/score/")

    client.force_login(evaluator)
    page = client.get(url(draft_round, f"subjects/{subject.pk}/")).content.decode()
    assert "机制建设" in page and "须附佐证材料" in page and "平台数据计算指标" in page and "效能指标" in page
    refused = client.post(target, {"value": "8", "comment": "无附件"})
    assert refused.status_code == 422 and "该指标须上传佐证材料" in refused.content.decode()
    scan = SimpleUploadedFile("分工文件.pdf", PDF + b"evidence", content_type="application/pdf")
    saved = client.post(target, {"value": "8", "comment": "分工明确", "evidence": scan})
    assert saved.status_code == 302
    score = Score.objects.get(subject=subject, indicator=mechanism, evaluator=evaluator)
    assert score.evidence_name == "分工文件.pdf"
    download = client.get(url(draft_round, f"scores/{score.pk}/evidence/"))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert b"".join(download) == PDF + b"evidence"
    client.post(url(draft_round, f"subjects/{subject.pk}/indicators/{flow.pk}/score/"), {"value": "5"})
    # The evaluator may not close the round.
    assert client.post(url(draft_round, "close/")).status_code == 404

    client.force_login(catalog_admin)
    assert client.get(url(draft_round, "report.xlsx")).status_code == 404  # not closed yet
    client.post(url(draft_round, "close/"))
    page = client.get(url(draft_round)).content.decode()
    assert 'id="ranking-department"' in page and "已结束" in page
    # 市场监管: online_rate and zero_visit_rate have no figures (no case): 8/10 × 30 + 5/5 × 10 = 34 of 40 → 85.
    # 卫健: no figures and no score: both scored ones missing → 0 of 40 → 0.
    subject.refresh_from_db()
    assert str(subject.total) == "85.00" and subject.rank == 1
    ranking = page.split('id="ranking-department"', 1)[1].split("</table>", 1)[0]
    assert ranking.index("海珠区市场监督管理局") < ranking.index("海珠区卫生健康局")

    workbook = load_workbook(io.BytesIO(client.get(url(draft_round, "report.xlsx")).content))
    assert workbook.sheetnames == ["部门排名", "指标明细", "评分记录"]
    rows = list(workbook["部门排名"].iter_rows(values_only=True))
    assert rows[0][:3] == ("排名", "评估对象", "总分")
    assert rows[1][:3] == (1, "海珠区市场监督管理局", "85.00")
    assert rows[2][1] == "海珠区卫生健康局" and rows[2][-1] == "机制建设、流程衔接"
    records = list(workbook["评分记录"].iter_rows(values_only=True))
    assert (
        "海珠区市场监督管理局",
        "机制建设",
        "第三方评估机构评估员",
        "8.00",
        "10.00",
        "分工明确",
        "分工文件.pdf",
    ) in records
    details = list(workbook["指标明细"].iter_rows(values_only=True))
    assert (
        "海珠区市场监督管理局",
        "维度甲",
        "网办率",
        "平台数据计算",
        "—",
        "30.00",
        "0.00",
        "无数据（不计）",
    ) in details

    pdf = client.get(url(draft_round, "report.pdf"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert_every_font_embedded(pdf.content)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout
        text = text.decode()
        assert "测试评估评估报告" in text and "部门排名" in text and "海珠区市场监督管理局" in text and "85.00" in text


def test_the_round_page_keeps_its_queries_flat(client, superuser, evaluator, django_assert_max_num_queries):
    """The demo's round: seven subjects × sixteen indicators, opened, three of them scored."""
    round_ = load_demo_round()
    assert round_.subjects.count() == 7
    subject = round_.subjects.first()
    for indicator in Indicator.objects.filter(dimension__system=round_.system, method="scored")[:3]:
        upload = SimpleUploadedFile("x.pdf", PDF + indicator.name.encode(), content_type="application/pdf")
        services.score_save(
            actor=evaluator, round_=round_, subject=subject, indicator=indicator, value="6", evidence=upload
        )
    for who in (superuser, evaluator):
        client.force_login(who)
        with django_assert_max_num_queries(10):
            assert client.get(url(round_)).status_code == 200
        with django_assert_max_num_queries(12):
            assert client.get(url(round_, f"subjects/{subject.pk}/")).status_code == 200
        with django_assert_max_num_queries(5):
            assert client.get("/workbench/evaluation/").status_code == 200


def test_the_demo_round_is_set_up_once(evaluator):
    first = load_demo_round()
    assert load_demo_round() == first
    assert first.status == "scoring" and first.system == EvaluationSystem.objects.get(code="coordination")
    kinds = sorted(s.department.kind for s in first.subjects.filter(department__isnull=False))
    assert kinds == sorted(["SAMR", "HEALTH", "URBAN", "CULTURE", "PSB"])
    assert first.subjects.filter(department__region__code="440105").count() == 5
    assert list(first.evaluators.all()) == [evaluator]
    assert sorted(first.subjects.filter(district__isnull=False).values_list("district__name", flat=True)) == [
        "天河区",
        "海珠区",
    ]
