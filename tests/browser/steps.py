"""Steps the journeys share, each only clicks and typing in the browser as the person named."""

from .conftest import login, shot

WIDE, NARROW = 1366, 390


def shots(page, name: str) -> None:
    """The same moment as a desktop and as a phone show it."""
    for width in (WIDE, NARROW):
        page.set_viewport_size({"width": width, "height": 900})
        shot(page, f"{name}-{width}")
    page.set_viewport_size({"width": WIDE, "height": 900})


def switch_user(page, server_url: str, username: str) -> None:
    page.context.clear_cookies()
    login(page, server_url, username)


def accept_from_queue(page, server_url: str, number: str, name: str | None = None) -> None:
    """The general window's back office accepts an online application from 待受理 on the workbench."""
    from playwright.sync_api import expect

    switch_user(page, server_url, "hz-gov_service-clerk")
    page.wait_for_url(f"{server_url}/workbench/")
    page.locator('[data-queue="acceptance"]').get_by_role("link", name="待受理").click()
    page.wait_for_url("**/workbench/acceptance/")
    row = page.locator("#acceptance-queue tbody tr", has_text=number)
    expect(row).to_contain_text("个工作日")
    if name:
        shots(page, f"{name}-acceptance-queue")
    row.get_by_role("link", name=number).click()
    page.wait_for_url(f"**/workbench/cases/{number}/")
    page.locator("#accept").click()
    expect(page.locator(".notice")).to_contain_text("已受理")


def review(page, server_url: str, username: str, number: str, opinion: str) -> None:
    """A department's reviewer claims its task from the inbox and agrees."""
    from playwright.sync_api import expect

    switch_user(page, server_url, username)
    page.goto(server_url + "/workbench/tasks/")
    page.locator("#inbox tbody tr", has_text=number).get_by_role("button", name="签收").click()
    page.wait_for_url(f"**/workbench/cases/{number}/")
    page.get_by_label("审查意见").fill(opinion)
    page.get_by_role("button", name="提交审查意见").click()
    expect(page.locator(".notice")).to_contain_text("审查意见已提交")


def review_and_decide(page, server_url: str, number: str, name: str | None = None) -> None:
    """城管 answers its part, 市场监管 (the lead) agrees and proposes to grant, and its 负责人 signs."""
    from playwright.sync_api import expect

    review(page, server_url, "hz-urban-reviewer", number, "油烟排放设施符合要求，同意。")
    review(page, server_url, "hz-samr-reviewer", number, "材料齐全，经营条件符合食品安全要求，同意。")
    page.get_by_label("理由（必填）").fill("符合法定条件，拟准予许可。")
    page.locator("#propose").click()
    expect(page.locator("#proposal-sent")).to_be_visible()

    switch_user(page, server_url, "hz-samr-head")
    page.wait_for_url(f"{server_url}/workbench/")
    page.locator('[data-queue="decisions"]').get_by_role("link", name="待审批").click()
    page.locator("#decision-queue tbody tr", has_text=number).get_by_role("link", name=number).click()
    page.wait_for_url(f"**/workbench/signing/{number}/")
    expect(page.locator("#department-tasks")).to_contain_text("油烟排放设施符合要求")
    if name:
        shots(page, f"{name}-signing")
    page.locator("#signing").get_by_label("经营项目").fill("热食类食品制售")
    page.locator("#signing #grant").click()
    expect(page.locator(".notice")).to_contain_text("已审批：准予许可")
