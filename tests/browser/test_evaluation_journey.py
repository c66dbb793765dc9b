"""A third-party evaluator scores the demo's coordination round, with evidence, and the platform's administrator
closes it and reads the ranking of the departments and the districts, then downloads the report."""

import io
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from tests.case_fixtures import PDF

from .conftest import ARTIFACTS, login, shot
from .steps import shots, switch_user

pytestmark = pytest.mark.browser


def test_an_evaluator_scores_and_the_administrator_closes_the_round(page, server_url, tmp_path):
    from playwright.sync_api import expect

    # The city's evaluator finds the round assigned to them from the workbench.
    login(page, server_url, "gz-evaluator")
    page.wait_for_url(f"{server_url}/workbench/")
    page.locator("#nav-evaluation").click()
    page.wait_for_url("**/workbench/evaluation/")
    expect(page.locator("#rounds")).to_contain_text("部门协同配合第三方评估（演示）")
    expect(page.locator("#round-new")).to_have_count(0)
    shot(page, "evaluation-01-rounds")
    page.get_by_role("link", name="部门协同配合第三方评估（演示）").click()
    expect(page.locator("#round-status")).to_contain_text("评分中")
    expect(page.locator("#round-close")).to_have_count(0)
    shots(page, "evaluation-02-round")

    # 市场监管: they score 主办协办机制健全 and attach the division-of-duties file they checked.
    page.locator("#matrix").get_by_role("link", name="海珠区市场监督管理局").click()
    expect(page.locator("#computed")).to_contain_text("联合审批按时办结率")
    item = page.locator("article.score-item", has_text="主办协办机制健全")
    item.get_by_label("得分").fill("8")
    item.get_by_label("评分说明").fill("牵头、协办分工文件齐全，协调台账缺 10 月记录，扣 2 分。")
    shot(page, "evaluation-03-scoring")
    item.get_by_role("button", name="保存评分").click()
    # Without evidence the form says so and keeps what was typed.
    expect(page.locator("article.score-item", has_text="主办协办机制健全").locator(".error")).to_contain_text(
        "该指标须上传佐证材料"
    )
    shot(page, "evaluation-04-evidence-missing")
    evidence = tmp_path / "分工文件.pdf"
    evidence.write_bytes(PDF)
    item = page.locator("article.score-item", has_text="主办协办机制健全")
    item.get_by_label("佐证材料").set_input_files(evidence)
    item.get_by_role("button", name="保存评分").click()
    expect(page.locator(".notice")).to_contain_text("已保存评分：主办协办机制健全")
    item = page.locator("article.score-item", has_text="主办协办机制健全")
    expect(item.locator("table.scores")).to_contain_text("8.00")
    expect(item.get_by_role("link", name="分工文件.pdf")).to_be_visible()
    shots(page, "evaluation-05-scored")

    # The platform's administrator closes the round and reads the rankings.
    switch_user(page, server_url, "admin")
    page.goto(server_url + "/workbench/evaluation/")
    page.get_by_role("link", name="部门协同配合第三方评估（演示）").click()
    expect(page.locator("#matrix")).to_contain_text("8.00/10 (1)")
    page.locator("#round-close").click()
    expect(page.locator(".notice")).to_contain_text("已计算总分和排名")
    expect(page.locator("#round-status")).to_contain_text("已结束")
    departments = page.locator("#ranking-department")
    expect(departments).to_contain_text("海珠区市场监督管理局")
    expect(page.locator("#ranking-district")).to_contain_text("天河区")
    shots(page, "evaluation-06-ranking")

    with page.expect_download() as download:
        page.locator("#report-xlsx").click()
    workbook = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert workbook.sheetnames == ["部门排名", "区划排名", "指标明细", "评分记录"]
    scored = [row for row in workbook["评分记录"].iter_rows(values_only=True) if row[1] == "主办协办机制健全"]
    assert scored and scored[0][3] == "8.00" and scored[0][6] == "分工文件.pdf"
    with page.expect_download() as download:
        page.locator("#report-pdf").click()
    report = ARTIFACTS / "evaluation-07-report.pdf"
    download.value.save_as(report)
    assert report.read_bytes().startswith(b"%PDF-")
    if shutil.which("pdftoppm"):  # a picture of the report's first page, for a person to look at
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", "-singlefile", str(report), str(report.with_suffix(""))], check=True
        )
