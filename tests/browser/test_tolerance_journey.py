"""容缺受理 at the window: the clerk accepts a food permit with one material to follow, the licence drawn in; the
enterprise's agent sees the due date on its case page and uploads the material."""

import pytest

from tests.case_fixtures import PDF

from .conftest import login
from .steps import fill_food_permit_form, shots

pytestmark = pytest.mark.browser

SELF_CHECK = "食品安全自查、从业人员健康管理等制度"


def test_the_window_defers_a_material_and_the_applicant_supplies_it_online(page, server_url, tmp_path):
    from playwright.sync_api import expect

    login(page, server_url, "hz-gov_service-clerk")
    page.goto(server_url + "/desk/")
    page.select_option("#window-select", label="海珠区政务服务中心 1号窗口（综合窗口）")
    page.get_by_role("button", name="开始受理").click()
    page.goto(server_url + "/desk/?tab=entity")
    page.fill("#uscc", "91440105MA59ABCD17")
    page.get_by_role("button", name="查询主体库").click()
    expect(page.get_by_test_id("applicant-name")).to_contain_text("味道餐饮")
    page.fill("#item-q", "食品经营许可")
    page.locator("#item").get_by_role("button", name="搜索").click()
    page.locator("#item li", has_text="食品经营许可（新办）").first.get_by_role("link", name="办理").click()
    page.wait_for_url("**/desk/intake/R005-440105/")

    checklist = page.locator(".checklist")
    expect(checklist.locator("li", has_text="营业执照")).to_contain_text("已调取电子证照 440105-2023-YYZZ-000001")
    for name in ("食品经营许可申请书", "与食品经营相适应的主要设备设施布局"):
        checklist.locator("li", has_text=name).locator("input[name=received]").check()
    checklist.locator("li", has_text=SELF_CHECK).get_by_label("容缺受理", exact=False).check()
    fill_food_permit_form(page)
    shots(page, "tolerance-01-checklist")
    page.get_by_role("button", name="受理并出具受理通知书").click()
    page.wait_for_url("**/desk/cases/*/")
    number = page.get_by_test_id("case-number").inner_text()
    waived = page.get_by_test_id("waived-materials")
    expect(waived).to_contain_text(SELF_CHECK)
    expect(waived).to_contain_text("容缺，待补齐")
    shots(page, "tolerance-02-accepted-with-deferral")

    page.context.clear_cookies()
    login(page, server_url, "enterprise")
    page.goto(server_url + f"/cases/{number}/")
    row = page.locator("#case-materials tbody tr", has_text=SELF_CHECK)
    expect(row).to_contain_text("请于")
    shots(page, "tolerance-03-applicant-sees-due-date")
    upload = tmp_path / "自查制度.pdf"
    upload.write_bytes(PDF)
    row.locator("input[type=file]").set_input_files(upload)
    row.get_by_role("button", name="上传补齐").click()
    expect(page.locator("body")).to_contain_text(f"《{SELF_CHECK}》已补齐")
    expect(page.locator("#case-materials tbody tr", has_text=SELF_CHECK)).to_contain_text("申请人上传")
    shots(page, "tolerance-04-supplied")
