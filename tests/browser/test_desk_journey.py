"""A clerk takes a walk-in at the general window: ticket, call, registration, material check, acceptance, notice."""

import shutil
import subprocess

import pytest

from .conftest import ARTIFACTS, login, shot
from .steps import fill_marriage_form

pytestmark = pytest.mark.browser


def test_clerk_accepts_a_walk_in_marriage_registration(page, server_url):
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
    assert ticket.startswith("A")
    shot(page, "desk-01-kiosk")

    page.goto(server_url + "/desk/")
    page.locator("#queue").get_by_role("button", name="叫号").click()  # htmx swaps the queue panel
    expect(page.get_by_test_id("current-ticket")).to_contain_text(ticket)
    shot(page, "desk-02-called")

    page.fill("#id_number", "110105194912310021")  # one check digit off
    page.fill("#name", "王小明")
    page.get_by_role("button", name="核验并登记").click()
    expect(page.locator("#id-error")).to_be_visible()
    shot(page, "desk-03-bad-id")
    page.fill("#id_number", "11010519491231002X")
    page.get_by_role("button", name="核验并登记").click()
    expect(page.get_by_test_id("applicant-name")).to_have_text("王小明")

    page.fill("#item-q", "结婚")
    page.locator("#item").get_by_role("button", name="搜索").click()
    row = page.locator("#item li", has_text="内地居民结婚登记").first
    shot(page, "desk-04-applicant-and-item")
    row.get_by_role("link", name="办理").click()
    page.wait_for_url("**/desk/intake/R040-440105/")
    expect(page.locator(".checklist")).to_contain_text("免提交")
    page.get_by_label("本人无配偶", exact=False).check()
    fill_marriage_form(page, phone="13900000009")
    shot(page, "desk-05-checklist")
    page.get_by_role("button", name="受理并出具受理通知书").click()
    page.wait_for_url("**/desk/cases/*/")
    number = page.get_by_test_id("case-number").inner_text()
    expect(page.locator("body")).to_contain_text("审查中")
    shot(page, "desk-06-accepted")

    notice = page.request.get(server_url + f"/desk/cases/{number}/notice.pdf")
    assert notice.status == 200 and notice.body().startswith(b"%PDF-")
    path = ARTIFACTS / "desk-07-acceptance-notice.pdf"
    path.write_bytes(notice.body())
    if shutil.which("pdftoppm"):  # poppler-utils is optional: the PDF itself is kept for a person to open
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", "-singlefile", str(path), str(path.with_suffix(""))], check=True
        )

    page.goto(server_url + "/desk/")
    expect(page.locator("#queue")).not_to_contain_text(ticket)  # the ticket was closed with the case
