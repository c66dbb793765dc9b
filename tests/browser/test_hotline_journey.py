"""12345 from the call to the closing: the operator takes a complaint and dispatches it to 城管 as 整改类; the
department's liaison signs and replies with the process it changed; the caller, called back, is not satisfied, so
the order is done again and closed; the caller follows it all on the public page with the number and query code
the operator read out. And a return: an order dispatched to the wrong department comes back with the department's
reason, and the centre sends it on to the right one, while the caller sees only that it is being handled."""

import pytest

from .conftest import login, shot
from .steps import switch_user

pytestmark = pytest.mark.browser


def _reply(page, server_url: str, number: str, text: str) -> None:
    from playwright.sync_api import expect

    switch_user(page, server_url, "hz-urban-liaison")
    page.goto(server_url + "/workbench/hotline/inbox/")
    page.locator("#in-hand + table").get_by_role("link", name=number).click()
    page.get_by_label("办理结果").select_option(label="已解决")
    page.get_by_label("答复内容").fill(text)
    # A 整改类 order's reply says which process the department changed, and from when.
    page.get_by_label("修改了哪项流程或制度").fill("菜市场周边早市时段纳入城管中队每日巡查路线。")
    page.get_by_label("生效日期").fill("2026-12-01")
    page.get_by_role("button", name="提交答复").click()
    expect(page.locator(".notice")).to_contain_text("已答复")


def _call_back(page, server_url: str, number: str, answer: str) -> None:
    from playwright.sync_api import expect

    switch_user(page, server_url, "hz-12345-operator")
    page.goto(server_url + "/workbench/hotline/queue/callback/")
    page.locator("#hotline-queue").get_by_role("link", name=number).click()
    page.get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="记录回访").click()
    expect(page.locator(".notice")).to_contain_text("回访已记录")


def test_a_complaint_from_call_to_close(page, server_url):
    from playwright.sync_api import expect

    login(page, server_url, "hz-12345-operator")
    page.goto(server_url + "/workbench/")
    page.get_by_role("link", name="12345工单").click()
    page.get_by_label("来电号码").fill("13800138123")
    page.get_by_label("姓名").fill("李四")
    page.get_by_label("诉求类型").select_option(label="投诉")
    page.get_by_label("诉求分类").select_option(label="市容环境/占道经营")
    page.get_by_label("诉求内容").fill("南洲路菜市场门口每天早上有人占道摆卖，行人只能走机动车道。")
    page.get_by_label("地址").fill("海珠区南洲路 88 号")
    shot(page, "hotline-01-take-call")
    page.get_by_role("button", name="受理并派单").click()
    page.wait_for_url("**/workbench/hotline/orders/*/")
    number = page.get_by_test_id("order-number").inner_text()
    query_code = page.get_by_test_id("query-code").inner_text()
    page.get_by_label("办理类别").select_option(label="整改类")
    shot(page, "hotline-02-dispatch")
    page.locator("#dispatch-form").get_by_role("button", name="派单").click()
    expect(page.locator(".notice")).to_contain_text("已派单")
    expect(page.locator("#order-status")).to_contain_text("待签收")

    switch_user(page, server_url, "hz-urban-liaison")
    page.goto(server_url + "/workbench/")
    page.get_by_role("link", name="部门工单").click()
    shot(page, "hotline-03-inbox")
    page.locator("#to-sign + table").get_by_role("link", name=number).click()
    page.get_by_role("button", name="签收").click()
    expect(page.locator(".notice")).to_contain_text("已签收")
    _reply(page, server_url, number, "已联合市场管理方清理占道摊档。")

    _call_back(page, server_url, number, "不满意")
    expect(page.locator("#order-status")).to_contain_text("办理中")
    shot(page, "hotline-04-reopened")

    _reply(page, server_url, number, "已安排执法队员每日早间巡查，摊档已迁入市场内。")
    _call_back(page, server_url, number, "满意")
    expect(page.locator("#order-status")).to_contain_text("已办结")
    expect(page.locator("#timeline")).to_contain_text("重办")
    shot(page, "hotline-05-closed")

    page.context.clear_cookies()
    page.goto(server_url + "/")
    page.get_by_role("link", name="工单进度查询").click()
    page.get_by_label("工单编号").fill(number)
    page.get_by_label("查询码").fill(query_code)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#track-status")).to_contain_text("已办结")
    expect(page.locator("#track-timeline")).to_contain_text("重新办理")
    expect(page.locator("#track-result")).not_to_contain_text("联络员")
    shot(page, "hotline-06-tracked")


def _open_from_inbox(page, number: str, table: str) -> None:
    """The liaison, just logged in, opens the department's inbox from the menu and the order from one of its tables."""
    page.locator("#nav-hotline-inbox").click()
    page.wait_for_url("**/workbench/hotline/inbox/")
    page.locator(f"{table} + table").get_by_role("link", name=number).click()
    page.wait_for_url(f"**/workbench/hotline/orders/{number}/")


def _choose_lead(page, department: str) -> None:
    value = page.locator("#d-lead option", has_text=department).get_attribute("value")
    page.get_by_label("主办部门").select_option(value)


def test_return_and_redispatch(page, server_url):
    from playwright.sync_api import expect

    reason = "商铺播放音响属经营噪音，不属住建部门职责，请改派城管。"
    login(page, server_url, "hz-12345-operator")
    page.locator("#nav-hotline").click()
    page.get_by_label("来电号码").fill("13900139456")
    page.get_by_label("姓名").fill("王五")
    page.get_by_label("诉求类型").select_option(label="投诉")
    page.get_by_label("诉求分类").select_option(label="噪音扰民/商业经营噪音")
    page.get_by_label("标题（可不填）").fill("服装店门口音箱扰民")
    page.get_by_label("诉求内容").fill("江南西路一家服装店门口整天用大音箱放音乐招揽顾客，楼上住户不堪其扰。")
    page.get_by_label("地址").fill("海珠区江南西路 120 号")
    page.get_by_role("button", name="受理并派单").click()
    page.wait_for_url("**/workbench/hotline/orders/*/")
    number = page.get_by_test_id("order-number").inner_text()
    query_code = page.get_by_test_id("query-code").inner_text()
    # The operator takes the shop's building for the problem and sends it to 住建.
    _choose_lead(page, "住房和城乡建设局")
    page.get_by_label("办理类别").select_option(label="季节性")
    shot(page, "hotline-return-01-wrong-dispatch")
    page.locator("#dispatch-form").get_by_role("button", name="派单").click()
    expect(page.locator(".notice")).to_contain_text("已派单")
    expect(page.locator("#assignments")).to_contain_text("住房和城乡建设局")

    switch_user(page, server_url, "hz-housing-liaison")
    _open_from_inbox(page, number, "#to-sign")
    page.get_by_label("退单理由（非本部门职责）").fill(reason)
    shot(page, "hotline-return-02-returning")
    page.locator("#return-form").get_by_role("button", name="退单").click()
    expect(page.locator(".notice")).to_contain_text("已退单")
    expect(page.locator("#order-status")).to_contain_text("退单待处理")

    switch_user(page, server_url, "hz-12345-operator")
    page.locator("#nav-hotline").click()
    page.get_by_role("link", name="退单待处理").click()
    page.wait_for_url("**/workbench/hotline/queue/returned/")
    row = page.locator("#hotline-queue tbody tr", has_text=number)
    expect(row).to_contain_text("退单 1 次")
    shot(page, "hotline-return-03-returned-queue")
    row.get_by_role("link", name=number).click()
    expect(page.locator("#assignments")).to_contain_text(reason)
    expect(page.locator("#dispatch-form h2")).to_have_text("重新派单")
    _choose_lead(page, "城市管理和综合执法局")
    shot(page, "hotline-return-04-redispatch")
    page.locator("#dispatch-form").get_by_role("button", name="派单").click()
    expect(page.locator(".notice")).to_contain_text("已派单")
    expect(page.locator("#order-status")).to_contain_text("待签收")
    expect(page.locator("#timeline")).to_contain_text(reason)

    switch_user(page, server_url, "hz-urban-liaison")
    _open_from_inbox(page, number, "#to-sign")
    page.get_by_role("button", name="签收").click()
    expect(page.locator(".notice")).to_contain_text("已签收")
    page.get_by_label("办理结果").select_option(label="已解决")
    page.get_by_label("答复内容").fill("已责令该店铺撤除门口音箱，执法队员将持续巡查。")
    page.get_by_role("button", name="提交答复").click()
    expect(page.locator(".notice")).to_contain_text("已答复")
    shot(page, "hotline-return-05-replied")

    page.context.clear_cookies()
    page.goto(server_url + "/12345/track/")
    page.get_by_label("工单编号").fill(number)
    page.get_by_label("查询码").fill(query_code)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#track-timeline")).to_contain_text("已重新转交承办部门")
    expect(page.locator("#track-timeline")).to_contain_text("承办部门已答复")
    # The department's reason and its name are between the centre and the departments, not the caller's to read.
    expect(page.locator("#track-result")).not_to_contain_text("住房")
    expect(page.locator("#track-result")).not_to_contain_text("职责")
    shot(page, "hotline-return-06-tracked")
