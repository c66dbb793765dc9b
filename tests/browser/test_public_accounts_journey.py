"""Accounts for the public, by clicking: a person registers with the code texted to the phone (the demo's phone is
VAR_DIR/sms-outbox.log) and sees the account page; a walk-in's case is looked up without login by the number and
query code from the notice (issue #9, "Done when" (e))."""

import datetime as dt
import re
import shutil
import subprocess

import pytest

from .conftest import ARTIFACTS, login
from .steps import fill_marriage_form, shots, texted_code

pytestmark = pytest.mark.browser

PASSWORD = "Lychee-Bay-2026"


def test_a_person_registers_logs_in_and_sees_the_account_page(page, server_url, var_dir_env):
    from playwright.sync_api import expect

    page.goto(server_url + "/")
    page.locator(".account").get_by_role("link", name="注册").click()
    page.wait_for_url("**/accounts/register/")
    page.get_by_label("姓名").fill("刘一")
    page.get_by_label("居民身份证号码").fill("440105199208083214")  # one check digit off
    page.get_by_label("手机号码").fill("13912345678")
    page.get_by_role("button", name="获取验证码").click()
    expect(page.locator("#code-sent")).to_be_visible()
    code = texted_code(var_dir_env["YIWANG_VAR_DIR"], "13912345678")
    page.get_by_label("短信验证码").fill(code)
    page.get_by_label("用户名").fill("liuyi")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    page.get_by_role("button", name="注册", exact=True).click()
    expect(page.locator("#id_number-error")).to_contain_text("校验位")
    expect(page.get_by_label("姓名")).to_have_value("刘一")  # nothing typed is lost
    shots(page, "accounts-01-register-error")

    page.get_by_label("居民身份证号码").fill("440105199208083213")
    page.get_by_role("button", name="注册", exact=True).click()
    page.wait_for_url("**/accounts/login/")
    expect(page.locator("body")).to_contain_text("注册成功")
    page.fill("input[name=username]", "liuyi")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.locator(".account").get_by_role("link", name="刘一").click()
    page.wait_for_url("**/accounts/")
    expect(page.locator("#identity-level")).to_have_text("一级：注册并验证手机")
    expect(page.locator("#my-account")).to_contain_text("4401**********3213")
    shots(page, "accounts-02-my-account")


def test_a_walk_in_looks_up_progress_without_login_from_the_notice(page, server_url):
    from playwright.sync_api import expect

    login(page, server_url, "hz-gov_service-clerk")
    page.goto(server_url + "/desk/")
    page.select_option("#window-select", label="海珠区政务服务中心 1号窗口（综合窗口）")
    page.get_by_role("button", name="开始受理").click()
    expect(page.locator("#queue")).to_contain_text("叫号")
    kiosk = page.get_by_role("link", name="打开本大厅取号机").get_attribute("href")
    page.goto(server_url + kiosk)
    page.get_by_role("button", name="普通取号").click()
    ticket = page.get_by_test_id("ticket-number").inner_text()
    page.goto(server_url + "/desk/")
    page.locator("#queue").get_by_role("button", name="叫号").click()
    expect(page.get_by_test_id("current-ticket")).to_contain_text(ticket)
    page.fill("#id_number", "440105199301014562")
    page.fill("#name", "陈小红")
    page.get_by_role("button", name="核验并登记").click()
    expect(page.get_by_test_id("applicant-name")).to_have_text("陈小红")
    page.fill("#item-q", "结婚")
    page.locator("#item").get_by_role("button", name="搜索").click()
    page.locator("#item li", has_text="内地居民结婚登记").first.get_by_role("link", name="办理").click()
    page.wait_for_url("**/desk/intake/R040-440105/")
    page.get_by_label("本人无配偶", exact=False).check()
    fill_marriage_form(page, phone="13900000010")
    page.get_by_role("button", name="受理并出具受理通知书").click()
    page.wait_for_url("**/desk/cases/*/")
    number = page.get_by_test_id("case-number").inner_text()
    query_code = page.get_by_test_id("query-code").inner_text()
    assert re.fullmatch(r"\d{6}", query_code)
    expect(page.locator("body")).to_contain_text("/progress/")
    shots(page, "accounts-03-desk-case-with-query-code")

    # The acceptance notice the clerk prints carries both, and where to look them up.
    notice = page.request.get(server_url + page.get_by_test_id("notice-link").get_attribute("href"))
    assert notice.status == 200
    path = ARTIFACTS / "accounts-04-acceptance-notice.pdf"
    path.write_bytes(notice.body())
    if shutil.which("pdftotext"):
        text = "".join(
            subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout.decode().split()
        )
        assert number in text and query_code in text and f"{server_url}/progress/" in text

    page.locator(".account").get_by_role("button", name="退出").click()
    page.goto(server_url + "/")
    page.locator(".account").get_by_role("link", name="进度查询").click()
    page.wait_for_url("**/progress/")
    page.get_by_label("办件编号").fill(number)
    page.get_by_label("查询码").fill("000000" if query_code != "000000" else "111111")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#lookup-error")).to_contain_text("办件编号或查询码不正确")
    page.get_by_label("查询码").fill(query_code)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#progress-result")).to_contain_text("内地居民结婚登记")
    expect(page.locator("#masked-applicant")).to_have_text("陈**")
    expect(page.locator("#timeline")).to_contain_text("受理")
    expect(page.locator("body")).not_to_contain_text("陈小红")
    shots(page, "accounts-05-progress")


def test_the_legal_representative_binds_the_enterprise_and_authorises_an_agent(page, server_url, var_dir_env):
    from playwright.sync_api import expect

    page.goto(server_url + "/accounts/register/")
    page.get_by_label("姓名").fill("钱七")
    page.get_by_label("居民身份证号码").fill("440106199107124561")
    page.get_by_label("手机号码").fill("13911110007")
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_label("短信验证码").fill(texted_code(var_dir_env["YIWANG_VAR_DIR"], "13911110007"))
    page.get_by_label("用户名").fill("qianqi")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    page.get_by_role("button", name="注册", exact=True).click()
    page.wait_for_url("**/accounts/login/")
    login(page, server_url, "qianqi", PASSWORD)
    page.locator(".account").get_by_role("link", name="钱七").click()

    page.get_by_label("统一社会信用代码").fill("91440106MA5CXY312E")  # one check digit off
    page.get_by_role("button", name="核验并绑定").click()
    expect(page.locator("#uscc-error")).to_contain_text("校验位")
    page.get_by_label("统一社会信用代码").fill("91440106MA5CXY312D")
    page.get_by_role("button", name="核验并绑定").click()
    expect(page.locator("#my-entities")).to_contain_text("广州天河云帆科技有限公司")
    page.get_by_role("link", name="管理经办人").click()

    date_input = page.get_by_label("授权截止日期")
    today = dt.date.fromisoformat(date_input.get_attribute("min"))  # the date picker's earliest day
    until = today + dt.timedelta(days=30)
    page.get_by_label("经办人账号（用户名或手机号码）").fill("13800000001")  # 张三's phone
    date_input.fill(until.isoformat())
    page.get_by_role("button", name="授权", exact=True).click()
    expect(page.locator("#grants")).to_contain_text("张三")
    expect(page.locator("#grants")).to_contain_text(until.isoformat())
    shots(page, "accounts-06-agents")

    page.locator(".account").get_by_role("button", name="退出").click()
    login(page, server_url, "citizen")
    page.locator(".account").get_by_role("link", name="张三").click()
    expect(page.locator("#my-entities")).to_contain_text("广州天河云帆科技有限公司")
    expect(page.locator("#my-entities")).to_contain_text(f"授权至 {until.isoformat()}")
    shots(page, "accounts-07-agent-account")
