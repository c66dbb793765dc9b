"""Two departments review a food-permit case in parallel, the lead department's reviewer proposes a grant, its
负责人 signs it, and the applicant rates it.

The restaurant's agent applies online and the general window's back office accepts it from 待受理, through the
pages as the citizen and online-acceptance journeys do.
"""

import re

import pytest

from .conftest import login, reload_until, shot
from .steps import accept_from_queue, fill_food_permit, submit_application, switch_user

pytestmark = pytest.mark.browser


@pytest.fixture
def case_number(page, server_url, tmp_path):
    login(page, server_url, "enterprise")
    fill_food_permit(page, server_url, tmp_path)
    page.get_by_label("电子送达").check()
    number = submit_application(page)
    accept_from_queue(page, server_url, number)
    page.context.clear_cookies()
    return number


def test_two_departments_review_in_parallel_and_the_head_grants(page, server_url, case_number):
    from playwright.sync_api import expect

    # 城管 answers its part: from the inbox, claim, agree.
    login(page, server_url, "hz-urban-reviewer")
    page.goto(server_url + "/workbench/tasks/")
    row = page.locator("#inbox tbody tr", has_text=case_number)
    expect(row).to_contain_text("协办审查")
    expect(row).to_contain_text("广州市海珠区味道餐饮管理有限公司")
    shot(page, "review-01-urban-inbox")
    row.get_by_role("button", name="签收").click()
    page.wait_for_url(f"**/workbench/cases/{case_number}/")
    expect(page.locator(".notice")).to_contain_text("已签收")
    page.get_by_label("审查意见").fill("经营场所油烟排放设施符合要求，同意。")
    shot(page, "review-02-urban-case")
    page.get_by_role("button", name="提交审查意见").click()
    expect(page.locator(".notice")).to_contain_text("审查意见已提交")
    expect(page.locator("#department-tasks")).to_contain_text("同意")
    expect(page.locator("#department-tasks")).to_contain_text("由牵头部门查看")  # not the lead: no others' answers
    shot(page, "review-03-urban-done")

    # The district's supervisor watches the clock on every open case.
    switch_user(page, server_url, "hz-gov_service-supervisor")
    page.goto(server_url + "/workbench/supervision/")
    expect(page.locator("#supervised-cases")).to_contain_text(case_number)
    expect(page.locator("#department-counts")).to_contain_text("海珠区市场监督管理局")
    shot(page, "review-04-supervision")

    # 市场监管 leads: it sees 城管's state and answer, agrees, then proposes the decision (审核意见).
    switch_user(page, server_url, "hz-samr-reviewer")
    page.goto(server_url + "/workbench/tasks/")
    page.locator("#inbox tbody tr", has_text=case_number).get_by_role("link", name=case_number).click()
    page.wait_for_url(f"**/workbench/cases/{case_number}/")
    tasks = page.locator("#department-tasks")
    expect(tasks).to_contain_text("经营场所油烟排放设施符合要求")
    expect(tasks).to_contain_text("待办")
    shot(page, "review-05-samr-case")
    page.get_by_label("审查意见").fill("材料齐全，经营条件符合食品安全要求，同意。")
    page.get_by_role("button", name="提交审查意见").click()
    expect(page.locator("#decision")).to_be_visible()
    expect(page.locator("#grant")).to_have_count(0)  # the reviewer proposes; the head decides
    shot(page, "review-06-samr-proposal")

    page.get_by_label("拟准予许可").check()
    page.get_by_label("理由（必填）").fill("两部门审查同意，经营条件符合《食品经营许可管理办法》规定，拟准予许可。")
    page.locator("#propose").click()
    expect(page.locator(".notice")).to_contain_text("审核意见已提交")
    expect(page.locator("#proposal-sent")).to_be_visible()
    expect(page.locator("#case-status")).to_have_text("审查中")

    # 市场监管's 负责人 signs (审批): from the workbench's 待审批, with every department's opinion in view.
    switch_user(page, server_url, "hz-samr-head")
    page.wait_for_url(f"{server_url}/workbench/")
    page.locator('[data-queue="decisions"]').get_by_role("link", name="待审批").click()
    row = page.locator("#decision-queue tbody tr", has_text=case_number)
    expect(row).to_contain_text("拟准予")
    shot(page, "review-07-head-queue")
    row.get_by_role("link", name="审批").click()
    page.wait_for_url(f"**/workbench/signing/{case_number}/")
    expect(page.locator("#proposal")).to_contain_text("拟准予许可")
    tasks = page.locator("#department-tasks")
    expect(tasks).to_contain_text("经营场所油烟排放设施符合要求")
    expect(tasks).to_contain_text("材料齐全，经营条件符合食品安全要求")
    page.locator("#signing").get_by_label("经营项目").fill("热食类食品制售")
    shot(page, "review-08-head-signs")
    page.locator("#signing #grant").click()
    page.wait_for_url("**/workbench/signing/")
    expect(page.locator(".notice")).to_contain_text("已审批：准予许可")
    expect(page.locator("#decision-queue")).not_to_contain_text(case_number)
    page.goto(f"{server_url}/workbench/cases/{case_number}/")
    # The worker may already have issued the licence and delivered it electronically: granted either way.
    expect(page.locator("#case-status")).to_have_text(re.compile("准予许可|已送达"))
    expect(page.locator("#timeline")).to_contain_text("准予许可")
    expect(page.locator("#timeline")).to_contain_text("提出审核意见")
    expect(page.locator("#decision")).to_have_count(0)
    expect(page.locator("#result")).to_contain_text("热食类食品制售")
    shot(page, "review-09-granted")

    # The result reaches the applicant online (电子送达, chosen at application): the platform issues the e-licence
    # and delivers it with the decision document; the applicant finds both on the case page, and rates. A 差评
    # goes to the department for rectification.
    switch_user(page, server_url, "enterprise")
    page.goto(f"{server_url}/cases/{case_number}/")
    reload_until(page, "#case-status", "已送达")
    expect(page.locator("#delivery")).to_contain_text("电子送达")
    expect(page.locator("#decision-document")).to_contain_text("准予行政许可决定书")
    expect(page.locator("#case-licence")).to_be_visible()
    form = page.locator("#rating-form")
    expect(form).to_be_visible()
    form.get_by_label("不满意", exact=True).check()
    form.get_by_label("意见建议").fill("现场核查约了两次才来，希望一次到位。")
    shot(page, "review-10-rating-form")
    form.locator("button[type=submit]").click()
    expect(page.locator("#rating")).to_contain_text("不满意")
    expect(page.locator("#rating")).to_contain_text("正在整改")
    shot(page, "review-11-rated")
