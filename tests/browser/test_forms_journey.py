"""食品经营许可（新办）'s own application form in a real browser: grouped fieldsets, identity locked from the entity
register, a field shown only when its condition holds, form and material errors together in one round, the
blank form and 样表 linked from the guide; and at the window, one correction notice for an incomplete form."""

import pytest

from .conftest import login
from .steps import FOOD_PERMIT, form_field, shots

pytestmark = pytest.mark.browser


def test_the_agent_fills_the_food_permits_own_form(page, server_url):
    from playwright.sync_api import expect

    page.goto(server_url + "/items/R005/")
    expect(page.locator("#form-downloads")).to_contain_text("填写样表（PDF）")
    link = page.get_by_role("link", name="空白申请表（PDF）")
    assert link.get_attribute("href") == "/items/R005/form.pdf"

    login(page, server_url, "enterprise")
    page.goto(f"{server_url}/apply/{FOOD_PERMIT}/")
    expect(page.locator("#id_uscc")).to_have_value("91440105MA59ABCD17")
    expect(page.locator("#id_uscc")).to_be_disabled()
    expect(page.get_by_text("已从市场主体登记信息带入").first).to_be_visible()
    for legend in ("申请人信息", "经营信息", "食品安全管理", "联系信息"):
        expect(page.locator(".form-group > legend", has_text=legend)).to_be_visible()

    # 单位食堂类别 only for a 单位食堂; the online platform only for one that sells online.
    canteen = page.get_by_label("单位食堂类别")
    expect(canteen.first).to_be_hidden()
    page.get_by_label("单位食堂", exact=True).check()
    expect(canteen.first).to_be_visible()
    page.get_by_label("餐饮服务经营者").check()
    expect(canteen.first).to_be_hidden()
    platform = page.get_by_label("网络经营平台或网址")
    expect(platform).to_be_hidden()
    page.get_by_label("是否网络经营").check()
    expect(platform).to_be_visible()
    page.get_by_label("热食类食品制售").check()
    page.get_by_label("经营场所面积（平方米）").fill("80")
    page.get_by_label("食品安全管理人员姓名").fill("赵六")
    page.get_by_label("食品安全管理人员身份证件号码").fill("440105199003051235")  # one check digit off
    page.get_by_label("从业人员数").fill("6")
    form_field(page, "联系人").fill("赵六")
    page.get_by_label("联系电话").fill("13800000004")
    shots(page, "forms-01-apply")

    # Nothing uploaded, the platform left empty, the identity number off: all said at once.
    page.locator("#submit-application").click()
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("#food_safety_manager_id-errors")).to_contain_text("校验位")
    expect(page.locator("#online_platform-errors")).to_contain_text("此项为必填项")
    expect(platform).to_be_visible()  # the condition still holds after the round trip
    expect(page.locator("#materials-errors")).to_contain_text("缺少必需材料")
    expect(page.get_by_label("经营场所面积（平方米）")).to_have_value("80")
    shots(page, "forms-02-errors")


def test_the_clerk_issues_one_correction_notice_for_an_incomplete_form(page, server_url):
    from playwright.sync_api import expect

    login(page, server_url, "hz-gov_service-clerk")
    page.goto(server_url + "/desk/")
    page.select_option("#window-select", label="海珠区政务服务中心 1号窗口（综合窗口）")
    page.get_by_role("button", name="开始受理").click()
    page.get_by_role("link", name="法人（企业）").click()
    page.fill("#uscc", "91440105MA59ABCD17")
    page.get_by_role("button", name="查询主体库").click()
    page.fill("#item-q", "食品经营许可")
    page.locator("#item").get_by_role("button", name="搜索").click()
    page.locator("#item li", has_text="食品经营许可（新办）").first.get_by_role("link", name="办理").click()
    page.wait_for_url(f"**/desk/intake/{FOOD_PERMIT}/")
    expect(page.locator("#id_f-uscc")).to_be_disabled()
    expect(page.locator("#id_f-uscc")).to_have_value("91440105MA59ABCD17")

    # The walk-in has not said how large the premises are nor who manages food safety; one material is missing.
    page.get_by_label("餐饮服务经营者").check()
    page.get_by_label("热食类食品制售").check()
    page.locator("#id_f-contact_name").fill("赵六")
    page.locator("#id_f-contact_phone").fill("13800000004")
    page.get_by_role("button", name="受理并出具受理通知书").click()
    expect(page.locator("#points")).to_contain_text("申请表「经营场所面积（平方米）」")
    expect(page.locator(".error-box")).to_contain_text("尚缺必需材料")
    shots(page, "forms-03-desk-incomplete")

    page.fill("#points", page.locator("#points").input_value() + "\n请携带营业执照原件核验")
    page.get_by_role("button", name="出具一次性告知书").click()
    page.wait_for_url("**/desk/cases/*/")
    points = page.get_by_test_id("correction-points")
    expect(points).to_contain_text("申请表「经营场所面积（平方米）」：此项为必填项")
    expect(points).to_contain_text("申请表「食品安全管理人员姓名」：此项为必填项")
    expect(points).to_contain_text("补交《")
    expect(points).to_contain_text("请携带营业执照原件核验")
    shots(page, "forms-04-desk-notice-points")
