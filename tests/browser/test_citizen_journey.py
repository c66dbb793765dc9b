"""The enterprise's agent applies online for the food permit and follows the case, in a real browser against
the real server. The case is advanced by later journeys (desk, reviewers); this one applies and follows."""

import pytest

from .conftest import login
from .steps import fill_food_permit, form_field, shots

pytestmark = pytest.mark.browser


def test_the_agent_applies_for_the_food_permit_and_follows_the_case(page, server_url, tmp_path):
    from playwright.sync_api import expect

    login(page, server_url, "enterprise")
    page.goto(server_url + "/items/R005/")
    expect(page.locator("h1")).to_have_text("食品经营许可（新办）")
    shots(page, "citizen-01-guide")

    page.goto(server_url + "/apply/R005-440105/")
    expect(page.locator("h1")).to_have_text("食品经营许可（新办）")
    expect(page.locator("#materials")).to_contain_text("免提交 · 已由平台调取（共享数据）")
    expect(page.locator("#materials tbody tr", has_text="营业执照")).to_contain_text("已查到有效电子证照")
    expect(page.get_by_label("广州市海珠区味道餐饮管理有限公司", exact=False)).to_be_checked()
    # Identity comes from the entity register, shown and locked.
    expect(page.get_by_label("经营者名称")).to_have_value("广州市海珠区味道餐饮管理有限公司")
    expect(page.get_by_label("统一社会信用代码")).to_be_disabled()
    expect(page.get_by_test_id("prefill-uscc")).to_have_text("已从市场主体登记信息带入")
    expect(page.get_by_label("法定代表人（负责人）")).to_have_value("赵六")
    shots(page, "citizen-02-apply-form")

    fill_food_permit(page, server_url, tmp_path, phone="1380000")  # a wrong number first
    page.get_by_label("电子送达").check()
    page.locator("#submit-application").click()
    page.wait_for_load_state("networkidle")

    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("#contact_phone-errors")).to_contain_text("应为手机号或带区号的固定电话")
    expect(form_field(page, "经营场所")).to_have_value("广州市海珠区南洲路 88 号")
    expect(page.get_by_label("热食类食品制售")).to_be_checked()
    expect(page.locator("#materials")).to_contain_text("已上传：申请书.pdf")  # files survive the error
    shots(page, "citizen-03-field-error")

    page.get_by_label("联系电话").fill("13800000004")
    page.locator("#submit-application").click()
    page.wait_for_url("**/cases/*/")
    expect(page.locator("#case-status")).to_have_text("已申报，待受理")
    expect(page.locator("#timeline")).to_contain_text("提交申请")
    planned = page.locator("#planned-departments")
    expect(planned.locator("tr", has_text="海珠区市场监督管理局")).to_contain_text("牵头部门")
    expect(planned.locator("tr", has_text="海珠区城市管理和综合执法局")).to_contain_text("协办部门")
    expect(page.locator("#case-materials")).to_contain_text("免提交")
    expect(page.locator("#deadlines")).to_contain_text("受理期限")
    shots(page, "citizen-04-case")
    number = page.url.rstrip("/").rsplit("/", 1)[-1]

    page.goto(server_url + "/cases/")
    expect(page.locator("#my-cases")).to_contain_text(number)
    shots(page, "citizen-05-my-cases")

    page.goto(server_url + "/notifications/")
    expect(page.locator("#notifications")).to_contain_text(f"{number} 已收到您的申请")
    shots(page, "citizen-06-notifications")

    page.goto(server_url + f"/cases/{number}/withdraw/")
    expect(page.locator("#confirm-withdraw")).to_be_visible()
    shots(page, "citizen-07-withdraw-confirm")
