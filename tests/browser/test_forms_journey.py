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
