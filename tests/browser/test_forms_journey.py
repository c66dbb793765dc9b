"""An item's own application form in a real browser: grouped fieldsets, identity locked from the entity
register, a field shown only when its condition holds, form and material errors together, and the blank
form and 样表 linked from the guide. The form itself is catalog data, put in place as an administrator would."""

import json

import pytest

from tests.form_fixtures import EXAMPLE, SCHEMA

from .conftest import login, run_in_server, shot

pytestmark = pytest.mark.browser

ITEM = "R010"  # 公共场所卫生许可: no other journey applies for it
INSTALL = """
import json
from yiwang.catalog.models import ItemVersion, ServiceItem
version = ServiceItem.objects.get(code="{item}").current_version
ItemVersion.objects.filter(pk=version.pk).update(form_schema=json.loads({schema!r}), form_example=json.loads({example!r}))
print("ok")
"""


def test_the_agent_fills_an_items_own_form(page, server_url, var_dir_env):
    from playwright.sync_api import expect

    script = INSTALL.format(
        item=ITEM, schema=json.dumps(SCHEMA, ensure_ascii=False), example=json.dumps(EXAMPLE, ensure_ascii=False)
    )
    assert run_in_server(var_dir_env, script) == "ok"

    page.goto(server_url + f"/items/{ITEM}/")
    expect(page.locator("#form-downloads")).to_contain_text("填写样表（PDF）")
    link = page.get_by_role("link", name="空白申请表（PDF）")
    assert link.get_attribute("href") == f"/items/{ITEM}/form.pdf"

    login(page, server_url, "enterprise")
    page.goto(server_url + f"/apply/{ITEM}-440105/")
    expect(page.locator("#id_uscc")).to_have_value("91440105MA59ABCD17")
    expect(page.locator("#id_uscc")).to_be_disabled()
    expect(page.get_by_text("已从市场主体登记信息带入").first).to_be_visible()
    kitchen = page.get_by_label("加工操作区面积（平方米）")
    expect(kitchen).to_be_hidden()
    page.get_by_label("餐饮服务经营者").check()
    expect(kitchen).to_be_visible()
    page.get_by_label("食品销售经营者").check()
    expect(kitchen).to_be_hidden()
    page.get_by_label("餐饮服务经营者").check()
    page.locator("#id_phone").fill("13800000004")
    page.get_by_label("经营场所面积（平方米）").fill("80")
    page.get_by_label("主要供货单位统一社会信用代码").fill("123456789012345678")
    page.get_by_label("热食类食品制售").check()
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        shot(page, f"forms-01-apply-{width}")

    page.locator("#submit-application").click()
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("#supplier_uscc-errors")).to_contain_text("行政区划代码不存在")
    expect(page.locator("#kitchen_area-errors")).to_contain_text("此项为必填项")
    expect(kitchen).to_be_visible()  # the condition still holds after the round trip
    expect(page.locator("#materials-errors")).to_contain_text("缺少必需材料")
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        shot(page, f"forms-02-errors-{width}")


def test_the_clerk_issues_one_correction_notice_for_an_incomplete_form(page, server_url, var_dir_env):
    from playwright.sync_api import expect

    script = INSTALL.format(
        item=ITEM, schema=json.dumps(SCHEMA, ensure_ascii=False), example=json.dumps(EXAMPLE, ensure_ascii=False)
    )
    assert run_in_server(var_dir_env, script) == "ok"
    login(page, server_url, "hz-gov_service-clerk")
    page.goto(server_url + "/desk/")
    page.select_option("#window-select", label="海珠区政务服务中心 1号窗口（综合窗口）")
    page.get_by_role("button", name="开始受理").click()
    page.get_by_role("link", name="法人（企业）").click()
    page.fill("#uscc", "91440105MA59ABCD17")
    page.get_by_role("button", name="查询主体库").click()
    page.fill("#item-q", "公共场所卫生许可")
    page.locator("#item").get_by_role("button", name="搜索").click()
    page.locator("#item li", has_text="公共场所卫生许可").first.get_by_role("link", name="办理").click()
    page.wait_for_url(f"**/desk/intake/{ITEM}-440105/")
    expect(page.locator("#id_f-uscc")).to_be_disabled()
    expect(page.locator("#id_f-uscc")).to_have_value("91440105MA59ABCD17")

    # The walk-in has not said how large the premises are, and one material is missing.
    page.locator("#id_f-phone").fill("13800000004")
    page.get_by_label("餐饮服务经营者").check()
    page.get_by_role("button", name="受理并出具受理通知书").click()
    expect(page.locator("#points")).to_contain_text("申请表「经营场所面积（平方米）」")
    expect(page.locator(".error-box")).to_contain_text("尚缺必需材料")
    page.set_viewport_size({"width": 1366, "height": 900})
    shot(page, "forms-03-desk-incomplete-1366")

    page.fill("#points", page.locator("#points").input_value() + "\n请携带营业执照原件核验")
    page.get_by_role("button", name="出具一次性告知书").click()
    page.wait_for_url("**/desk/cases/*/")
    points = page.get_by_test_id("correction-points")
    expect(points).to_contain_text("申请表「经营场所面积（平方米）」：此项为必填项")
    expect(points).to_contain_text("申请表「加工操作区面积（平方米）」：此项为必填项")
    expect(points).to_contain_text("补交《")
    expect(points).to_contain_text("请携带营业执照原件核验")
    shot(page, "forms-04-desk-notice-points-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "forms-04-desk-notice-points-390")
