"""网上预审: an online application gets one correction notice listing a form field and a material together, the
applicant corrects both from the case page, and the clerk accepts — every step a click in the browser, starting
from the workbench the clerk lands on after login."""

import pytest

from tests.case_fixtures import PDF

from .conftest import login
from .steps import fill_food_permit, form_field, shots, submit_application, switch_user

pytestmark = pytest.mark.browser

LAYOUT = "与食品经营相适应的主要设备设施布局、操作流程等文件"


def _open_from_the_acceptance_queue(page, server_url, number, landing_shot=None):
    from playwright.sync_api import expect

    login(page, server_url, "hz-gov_service-clerk")
    page.wait_for_url(f"{server_url}/workbench/")
    waiting = page.locator('[data-queue="acceptance"]')
    expect(waiting).to_be_visible()
    if landing_shot:
        shots(page, landing_shot)
    waiting.get_by_role("link", name="待受理").click()
    page.wait_for_url("**/workbench/acceptance/")
    row = page.locator("#acceptance-queue tbody tr", has_text=number)
    expect(row).to_contain_text("个工作日")
    return row


def test_one_correction_notice_then_the_clerk_accepts(page, server_url, tmp_path):
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, server_url, "enterprise")
    page.wait_for_url(f"{server_url}/")  # an applicant lands on the public site, not on a workbench
    fill_food_permit(page, server_url, tmp_path, address="海珠区南洲路")
    number = submit_application(page)

    # The clerk starts the day at the workbench: 待受理 holds the application with its 第三十二条 countdown.
    page.context.clear_cookies()
    row = _open_from_the_acceptance_queue(page, server_url, number, landing_shot="acceptance-00-clerk-workbench")
    expect(row).to_contain_text("食品经营许可（新办）")
    shots(page, "acceptance-01-queue")
    row.get_by_role("link", name=number).click()
    page.wait_for_url(f"**/workbench/cases/{number}/")
    acceptance = page.locator("#acceptance")
    expect(acceptance).to_be_visible()

    # One notice with every point: the address is too vague, the layout plan is missing from its file.
    notice = page.locator("#correction-form")
    notice.get_by_label("经营场所", exact=True).check()
    notice.get_by_label("经营场所：补正说明").fill("请写明门牌号和楼层")
    notice.get_by_label(f"《{LAYOUT}》", exact=True).check()
    notice.get_by_label(f"{LAYOUT}：补正说明").fill("缺少设备设施布局图，请补充上传")
    notice.get_by_label("其他需补正的内容（每行一条）").fill("请在申请书上加盖公章")
    shots(page, "acceptance-02-correction-notice")
    page.locator("#request-correction").click()
    page.wait_for_url(f"**/workbench/cases/{number}/")
    expect(page.locator(".notice")).to_contain_text("已发出一次性告知书")
    expect(page.locator("#case-status")).to_have_text("待补正")
    expect(page.locator("#acceptance")).to_have_count(0)
    expect(page.locator("#timeline")).to_contain_text("请写明门牌号和楼层")

    # The applicant is told, and answers every point from the case page.
    switch_user(page, server_url, "enterprise")
    page.goto(server_url + "/notifications/")
    expect(page.locator("#notifications")).to_contain_text(f"{number} 请补正材料")
    page.goto(f"{server_url}/cases/{number}/")
    points = page.locator("#correction .points")
    expect(points).to_contain_text("申请表「经营场所」：请写明门牌号和楼层")
    expect(points).to_contain_text(f"《{LAYOUT}》：缺少设备设施布局图，请补充上传")
    expect(points).to_contain_text("请在申请书上加盖公章")
    shots(page, "acceptance-03-applicant-notice")
    form = page.locator("#resubmit-form")
    form_field(form, "经营场所").fill("广州市海珠区南洲路 88 号首层")
    layout = tmp_path / "设备布局图.pdf"
    layout.write_bytes(PDF + b"layout with the plan")
    form.locator("#resubmit-materials tbody tr", has_text=LAYOUT).locator("input[type=file]").set_input_files(layout)
    stamped = tmp_path / "申请书（盖章）.pdf"
    stamped.write_bytes(PDF + b"stamped")
    form.locator("#resubmit-materials tbody tr", has_text="食品经营许可申请书").locator(
        "input[type=file]"
    ).set_input_files(stamped)
    page.locator("#submit-resubmit").click()
    page.wait_for_url(f"**/cases/{number}/")
    expect(page.locator("#case-status")).to_have_text("已申报，待受理")

    # Back in the clerk's queue; this time it is accepted.
    page.context.clear_cookies()
    row = _open_from_the_acceptance_queue(page, server_url, number)
    row.get_by_role("link", name=number).click()
    page.wait_for_url(f"**/workbench/cases/{number}/")
    expect(page.locator("#materials")).to_contain_text("设备布局图.pdf")
    expect(page.locator("#form-invalid")).to_have_count(0)
    page.locator("#accept").click()
    page.wait_for_url(f"**/workbench/cases/{number}/")
    expect(page.locator(".notice")).to_contain_text("已受理")
    expect(page.locator("#case-status")).to_have_text("审查中")
    expect(page.locator("#department-tasks")).to_contain_text("海珠区市场监督管理局")
    shots(page, "acceptance-04-accepted")
    page.goto(server_url + "/workbench/acceptance/")
    expect(page.locator("#acceptance-queue")).not_to_contain_text(number)

    switch_user(page, server_url, "enterprise")
    page.goto(server_url + "/notifications/")
    expect(page.locator("#notifications")).to_contain_text(f"{number} 已受理")
