"""The platform's promise in one journey (issue #9, "Done when" (a)), every step a click or typing in the browser:

赵六, the legal representative of 广州市海珠区味道餐饮管理有限公司, registers with the code texted to his phone,
binds his company by its USCC, and applies online for 食品经营许可（新办） on its real form with 电子送达. The
general window's back office accepts it from 待受理; 城管 and 市场监管 review in parallel; 市场监管's reviewer
proposes and its 负责人 signs; the worker issues the e-licence and delivers it with the decision to his account.
He reads the decision, verifies the licence from its link and rates the service 非常满意 (5).
"""

import re
import shutil
import subprocess

import pytest

from .conftest import ARTIFACTS, login, reload_until
from .steps import (
    accept_from_queue,
    fill_food_permit,
    rate,
    review_and_decide,
    shots,
    submit_application,
    switch_user,
    texted_code,
)

pytestmark = pytest.mark.browser

NAME, ID_NUMBER, PHONE = "赵六", "440105199003051234", "13911110006"
USERNAME, PASSWORD = "zhaoliu", "Pearl-River-88"
COMPANY, USCC = "广州市海珠区味道餐饮管理有限公司", "91440105MA59ABCD17"


def test_a_person_registers_applies_online_and_gets_the_licence_delivered(page, server_url, var_dir_env, tmp_path):
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 1366, "height": 900})

    # 1. He registers: real name, identity number, and the code texted to his phone.
    page.goto(server_url + "/")
    page.locator(".account").get_by_role("link", name="注册").click()
    page.wait_for_url("**/accounts/register/")
    page.get_by_label("姓名").fill(NAME)
    page.get_by_label("居民身份证号码").fill(ID_NUMBER)
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.locator("#code-sent")).to_be_visible()
    page.get_by_label("短信验证码").fill(texted_code(var_dir_env["YIWANG_VAR_DIR"], PHONE))
    page.get_by_label("用户名").fill(USERNAME)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    shots(page, "full-01-register")
    page.get_by_role("button", name="注册", exact=True).click()
    page.wait_for_url("**/accounts/login/")
    expect(page.locator("body")).to_contain_text("注册成功")

    # 2. He logs in and binds his company as its legal representative.
    login(page, server_url, USERNAME, PASSWORD)
    page.locator(".account").get_by_role("link", name=NAME).click()
    page.wait_for_url("**/accounts/")
    page.get_by_label("统一社会信用代码").fill(USCC)
    page.get_by_role("button", name="核验并绑定").click()
    expect(page.locator("#my-entities")).to_contain_text(COMPANY)
    shots(page, "full-02-account-bound")

    # 3. From the guide, he applies online: the register fills in and locks who the applicant is.
    page.goto(server_url + "/items/R005/")
    page.get_by_role("link", name="在线申报").first.click()
    page.wait_for_url("**/apply/R005-440105/")
    expect(page.get_by_label(COMPANY, exact=False)).to_be_checked()
    for field, value in (("经营者名称", COMPANY), ("统一社会信用代码", USCC), ("法定代表人（负责人）", NAME)):
        expect(page.get_by_label(field)).to_have_value(value)
        expect(page.get_by_label(field)).to_be_disabled()
    expect(page.get_by_test_id("prefill-uscc")).to_have_text("已从市场主体登记信息带入")
    expect(page.get_by_label("联系电话")).to_have_value(PHONE)  # from his account, still his to change
    fill_food_permit(page, server_url, tmp_path, phone=PHONE)
    page.get_by_label("电子送达").check()
    shots(page, "full-03-application")
    number = submit_application(page)
    expect(page.locator("#delivery-method")).to_have_text("电子送达")
    expect(page.locator("#query-code")).to_have_text(re.compile(r"^\d{6}$"))  # for lookups without login
    shots(page, "full-04-submitted")

    # 4. The general window's back office accepts it from 待受理.
    accept_from_queue(page, server_url, number, "full-05")
    answers = page.locator("#application-form")
    expect(answers.locator("tr", has_text="主体业态")).to_contain_text("餐饮服务经营者")  # as he chose it, not its code
    expect(answers.locator("tr", has_text="经营项目")).to_contain_text("热食类食品制售")
    shots(page, "full-06-accepted")

    # 5. 城管 and 市场监管 review in parallel; 市场监管's reviewer proposes, its 负责人 signs.
    switch_user(page, server_url, "hz-samr-reviewer")
    page.goto(server_url + "/workbench/tasks/")
    expect(page.locator("#inbox tbody tr", has_text=number)).to_be_visible()
    switch_user(page, server_url, "hz-urban-reviewer")
    page.goto(server_url + "/workbench/tasks/")
    expect(page.locator("#inbox tbody tr", has_text=number)).to_contain_text("协办审查")
    review_and_decide(page, server_url, number, "full-07")
    shots(page, "full-08-signed")

    # 6. The worker issues the e-licence and delivers it with the decision to his account.
    switch_user(page, server_url, USERNAME, PASSWORD)
    page.goto(f"{server_url}/cases/{number}/")
    reload_until(page, "#case-status", "已送达")
    delivery = page.locator("#delivery")
    expect(delivery).to_contain_text("电子送达")
    expect(page.locator("#case-licence")).to_contain_text("食品经营许可证")
    expect(page.locator("#decision-document")).to_contain_text("准予行政许可决定书")
    shots(page, "full-09-delivered")
    page.goto(server_url + "/notifications/")
    expect(page.locator("#notifications")).to_contain_text(number)
    shots(page, "full-10-notifications")
    page.goto(f"{server_url}/cases/{number}/")

    # He opens the decision document (a download) and keeps it.
    with page.expect_download() as download:
        page.locator("#decision-document").click()
    decision = ARTIFACTS / "full-11-decision.pdf"
    download.value.save_as(decision)
    assert decision.read_bytes().startswith(b"%PDF-")
    if shutil.which("pdftoppm"):  # poppler-utils is optional: the PDF itself is kept for a person to open
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", "-singlefile", str(decision), str(decision.with_suffix(""))], check=True
        )

    # 7. He verifies the licence from its link, as anyone scanning its QR code would.
    licence = page.locator("#case-licence").inner_text().split()[-1]
    result = page.locator("#result")
    result.get_by_role("link", name="核验").click()
    page.wait_for_url(re.compile(rf"/licences/verify/{re.escape(licence)}/\?d=[0-9a-f]{{64}}$"))
    expect(page.locator("#verdict")).to_have_attribute("data-status", "valid")
    expect(page.locator("#holder-name")).to_have_text(COMPANY)
    shots(page, "full-12-verified")
    page.go_back()
    result.get_by_role("link", name="我的证照").click()
    expect(page.locator("#wallet tbody tr", has_text=licence)).to_contain_text("真实有效")
    shots(page, "full-13-wallet")

    # 8. And rates the service 非常满意.
    page.goto(f"{server_url}/cases/{number}/")
    rate(page, "full-14", "网上申报，一次没跑，证照直接送到账户。")
