"""网上预审: an online application gets one correction notice listing a form field and a material together, the
applicant corrects both from the case page, and the clerk accepts — every step a click in the browser, starting
from the workbench the clerk lands on after login."""

import pytest

from tests.case_fixtures import PDF

from .conftest import login, shot

pytestmark = pytest.mark.browser

MATERIALS = {
    "食品经营许可申请书": "申请书.pdf",
    "与食品经营相适应的主要设备设施布局、操作流程等文件": "设备布局与操作流程.pdf",
    "食品安全自查、从业人员健康管理等制度": "食品安全制度.pdf",
}
LAYOUT = "与食品经营相适应的主要设备设施布局、操作流程等文件"


def shots(page, name: str) -> None:
    """The same moment at a desktop's width and a phone's."""
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        shot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1366, "height": 900})


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
    page.goto(server_url + "/apply/R005-440105/")
    page.get_by_label("申请单位名称").fill("广州市海珠区味道餐饮管理有限公司")
    page.get_by_label("统一社会信用代码").fill("91440105MA59ABCD17")
    page.get_by_label("联系人").fill("赵六")
    page.get_by_label("联系电话").fill("13800000004")
    page.get_by_label("经营场所/项目地址").fill("海珠区南洲路")
    rows = page.locator("#materials tbody tr")
    for name, filename in MATERIALS.items():
        path = tmp_path / filename
        path.write_bytes(PDF + name.encode())
        rows.filter(has_text=name).locator("input[type=file]").set_input_files(path)
    page.locator("#submit-application").click()
    page.wait_for_url("**/cases/*/")
    expect(page.locator("#case-status")).to_have_text("已申报，待受理")
    number = page.url.rstrip("/").rsplit("/", 1)[-1]

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
    notice.get_by_label("经营场所/项目地址", exact=True).check()
    notice.get_by_label("经营场所/项目地址：补正说明").fill("请写明门牌号和楼层")
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
    page.context.clear_cookies()
    login(page, server_url, "enterprise")
    page.goto(server_url + "/notifications/")
    expect(page.locator("#notifications")).to_contain_text(f"{number} 请补正材料")
    page.goto(f"{server_url}/cases/{number}/")
    points = page.locator("#correction .points")
    expect(points).to_contain_text("申请表「经营场所/项目地址」：请写明门牌号和楼层")
    expect(points).to_contain_text(f"《{LAYOUT}》：缺少设备设施布局图，请补充上传")
    expect(points).to_contain_text("请在申请书上加盖公章")
    shots(page, "acceptance-03-applicant-notice")
    form = page.locator("#resubmit-form")
    form.get_by_label("经营场所/项目地址").fill("广州市海珠区南洲路 88 号首层")
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

    page.context.clear_cookies()
    login(page, server_url, "enterprise")
    page.goto(server_url + "/notifications/")
    expect(page.locator("#notifications")).to_contain_text(f"{number} 已受理")
