"""A granted food permit becomes an e-licence: it is in the entity agent's wallet, its QR page verifies it, and a
later application (食品经营许可（变更）, which asks for the 食品经营许可证) draws it in instead of a copy.

The restaurant's agent applies online, the back office accepts, both departments review, 市场监管's 负责人 signs
(all through the pages); the server's worker issues the licence.
"""

import pytest

from .conftest import login, reload_until, shot
from .steps import (
    accept_from_queue,
    fill_food_permit,
    form_field,
    review_and_decide,
    submit_application,
    switch_user,
    upload_materials,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def licence_number(page, server_url, tmp_path):
    """Applied for and granted through the pages; the worker then issues the licence, which the agent's case page
    links to."""
    login(page, server_url, "enterprise")
    fill_food_permit(page, server_url, tmp_path)
    page.get_by_label("电子送达").check()
    case_number = submit_application(page)
    accept_from_queue(page, server_url, case_number)
    review_and_decide(page, server_url, case_number)
    switch_user(page, server_url, "enterprise")
    page.goto(f"{server_url}/cases/{case_number}/")
    reload_until(page, "#case-licence")
    number = page.locator("#case-licence").text_content().split()[-1]
    page.context.clear_cookies()
    return number


def test_the_licence_is_in_the_wallet_verifies_and_is_never_handed_in_again(page, server_url, licence_number, tmp_path):
    from playwright.sync_api import expect

    login(page, server_url, "enterprise")
    page.goto(server_url + "/licences/")
    row = page.locator("#wallet tbody tr", has_text=licence_number)
    expect(row).to_contain_text("食品经营许可证")
    expect(row).to_contain_text("广州市海珠区味道餐饮管理有限公司")
    expect(row).to_contain_text("真实有效")
    shot(page, "licence-01-wallet")
    pdf = page.request.get(server_url + f"/licences/{licence_number}/pdf/")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and b"/FontFile2" in pdf.body()

    # The QR code on the PDF opens this page; anybody may open it, logged in or not.
    page.context.clear_cookies()
    row_link = f"/licences/verify/{licence_number}/"
    page.goto(server_url + row_link)
    expect(page.locator("#verdict")).to_have_attribute("data-status", "valid")
    expect(page.locator("#verdict")).to_contain_text("有效")
    expect(page.locator("#holder-name")).to_have_text("广州市海珠区味道餐饮管理有限公司")
    shot(page, "licence-02-verification")

    # 食品经营许可（变更） asks for the 食品经营许可证: drawn in, not uploaded.
    login(page, server_url, "enterprise")
    page.goto(server_url + "/apply/R006-440105/")
    expect(page.locator("#materials tbody tr", has_text="食品经营许可证")).to_contain_text("免提交")
    # Identity comes from the entity register, shown and locked; the agent types the licence's number.
    expect(page.get_by_role("textbox", name="经营者名称")).to_have_value("广州市海珠区味道餐饮管理有限公司")
    expect(page.get_by_label("统一社会信用代码")).to_be_disabled()
    page.get_by_label("食品经营许可证编号").fill(licence_number)
    page.get_by_label("经营项目", exact=True).check()
    page.get_by_label("变更前内容").fill("经营项目：热食类食品制售")
    page.get_by_label("变更后内容").fill("经营项目：热食类食品制售、自制饮品制售")
    form_field(page, "联系人").fill("赵六")
    page.get_by_label("联系电话").fill("13800000004")
    upload_materials(page, tmp_path, {"变更申请书": "变更申请书.pdf"})
    shot(page, "licence-03-apply-change")
    page.locator("#submit-application").click()
    page.wait_for_url("**/cases/*/")
    drawn = page.locator("#case-materials tr", has_text="食品经营许可证")
    expect(drawn).to_contain_text("免提交")
    expect(drawn.locator("a.drawn-licence")).to_have_text(f"食品经营许可证 {licence_number}")
    shot(page, "licence-04-case-draws-licence")
    drawn.locator("a.drawn-licence").click()
    expect(page.locator("#verdict")).to_have_attribute("data-status", "valid")
