"""Delivery journeys in a real browser against the real server (issue #9, done-when (c) and (d)):

(c) the restaurant's agent applies online and chooses 邮寄送达; the case is reviewed and decided on the staff
    pages; the lead department's staff enter the tracking number on 待送达; the agent sees it and rates.
(d) the agent applies online and chooses to collect at the 海珠区 hall (窗口领取); after the decision the clerk
    hands it over from 一窗出件; the agent rates.

Everything is clicks and typing.
"""

import pytest

from .conftest import login, reload_until
from .steps import (
    accept_from_queue,
    fill_food_permit,
    rate,
    review_and_decide,
    shots,
    submit_application,
    switch_user,
)

pytestmark = pytest.mark.browser


def test_c_the_agent_chooses_post_and_staff_enter_the_tracking_number(page, server_url, tmp_path):
    from playwright.sync_api import expect

    login(page, server_url, "enterprise")

    fill_food_permit(page, server_url, tmp_path)
    page.get_by_label("邮寄送达").check()
    page.get_by_label("收件人", exact=True).fill("赵六")
    page.get_by_label("收件人电话").fill("12345")  # a wrong number first
    page.get_by_label("邮寄地址").fill("广州市海珠区南洲路 88 号 味道餐饮")
    shots(page, "delivery-c-01-apply-post")
    page.locator("#submit-application").click()
    page.wait_for_load_state("networkidle")
    # It comes back with the phone named, everything typed kept (the uploaded files too).
    expect(page.locator("#delivery-phone-errors")).to_contain_text("手机号码")
    expect(page.get_by_label("邮寄地址")).to_have_value("广州市海珠区南洲路 88 号 味道餐饮")
    expect(page.get_by_label("收件人", exact=True)).to_have_value("赵六")
    expect(page.locator("#materials")).to_contain_text("已上传：申请书.pdf")
    shots(page, "delivery-c-02-phone-error")
    page.get_by_label("收件人电话").fill("13800000004")
    number = submit_application(page)
    expect(page.locator("#delivery")).to_contain_text("广州市海珠区南洲路 88 号 味道餐饮")

    # Still editable before delivery: the agent corrects the address.
    page.locator("#delivery-edit summary").click()
    page.locator("#delivery-form").get_by_label("邮寄地址").fill("广州市海珠区南洲路 88 号 味道餐饮 前台")
    page.locator("#submit-delivery").click()
    expect(page.locator("#delivery")).to_contain_text("味道餐饮 前台")
    shots(page, "delivery-c-03-case-post")

    accept_from_queue(page, server_url, number)
    review_and_decide(page, server_url, number, "delivery-c-04")

    # 待送达: the lead department's staff post it and type the tracking number.
    switch_user(page, server_url, "hz-samr-reviewer")
    page.goto(server_url + "/workbench/deliveries/")
    row = page.locator("#deliveries tbody tr", has_text=number)
    expect(row).to_contain_text("邮寄送达")
    expect(row).to_contain_text("味道餐饮 前台")
    expect(row).to_contain_text("绿色·正常")
    shots(page, "delivery-c-05-deliveries")
    row.get_by_label("邮件单号").fill("SF1234567890")
    row.get_by_role("button", name="已寄出，送达").click()
    expect(page.locator(".notice")).to_contain_text("已邮寄送达")
    expect(page.locator("#deliveries")).not_to_contain_text(number)
    shots(page, "delivery-c-06-posted")

    # The agent sees the tracking number, the decision document and the licence, and rates.
    switch_user(page, server_url, "enterprise")
    page.goto(f"{server_url}/cases/{number}/")
    expect(page.locator("#case-status")).to_have_text("已送达")
    expect(page.locator("#tracking-number")).to_have_text("SF1234567890")
    expect(page.locator("#decision-document")).to_contain_text("准予行政许可决定书")
    reload_until(page, "#case-licence", "食品经营许可证")  # the worker issues the e-licence after the grant
    expect(page.locator("#delivery-form")).to_have_count(0)
    shots(page, "delivery-c-07-agent-sees-tracking")
    page.goto(server_url + "/notifications/")
    expect(page.locator("#notifications")).to_contain_text("SF1234567890")
    page.goto(f"{server_url}/cases/{number}/")
    rate(page, "delivery-c-08", "结果送达很及时。")


def test_d_an_online_case_is_collected_at_the_window(page, server_url, tmp_path):
    from playwright.sync_api import expect

    login(page, server_url, "enterprise")

    fill_food_permit(page, server_url, tmp_path)
    page.get_by_label("窗口领取（一窗出件）").check()
    page.get_by_label("领取地点").select_option(label="海珠区政务服务中心（广州市海珠区新港中路397号）")
    number = submit_application(page)
    expect(page.locator("#delivery")).to_contain_text("海珠区政务服务中心")
    shots(page, "delivery-d-01-case-pickup")

    accept_from_queue(page, server_url, number)
    review_and_decide(page, server_url, number, "delivery-d-02")

    # The applicant sees the result, where to collect it and by when (第四十四条).
    switch_user(page, server_url, "enterprise")
    page.goto(f"{server_url}/cases/{number}/")
    expect(page.locator("#case-status")).to_have_text("准予许可")
    expect(page.locator("#delivery-due")).to_contain_text("第四十四条")
    shots(page, "delivery-d-03-awaiting-pickup")

    # 一窗出件 at the chosen hall: the clerk hands it over.
    switch_user(page, server_url, "hz-gov_service-clerk")
    page.goto(server_url + "/desk/outbox/")
    row = page.locator("#outbox tbody tr", has_text=number)
    expect(row).to_contain_text("领取地点：海珠区政务服务中心")
    shots(page, "delivery-d-04-outbox")
    row.get_by_role("button", name="当面送达").click()
    expect(page.locator(".notice")).to_contain_text("已当面送达")
    expect(page.locator("#outbox-" + number)).to_have_count(0)

    switch_user(page, server_url, "enterprise")
    page.goto(f"{server_url}/cases/{number}/")
    expect(page.locator("#case-status")).to_have_text("已送达")
    rate(page, "delivery-d-05", "窗口领取很方便。")
