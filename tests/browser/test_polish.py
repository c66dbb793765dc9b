"""No page scrolls sideways on a 360 px phone, and 长者模式 (large text, high contrast) is one click in the header
and stays on from page to page, across login, without an account. Screenshots at 360, 390 and 1366 px."""

import pytest

from .conftest import login, shot
from .steps import fill_food_permit, submit_application

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 780}
PUBLIC = {
    "home": "/",
    "search": "/search/?q=%E9%A4%90%E9%A5%AE",
    "guide": "/items/R005/",
    "bundle": "/bundles/B02/",
    "login": "/accounts/login/",
    "verify": "/licences/verify/440105-2023-YYZZ-000001/",
}


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def _no_sideways_scroll(page, url: str, name: str, widths=(360, 390, 1366)) -> None:
    for width in widths:
        page.set_viewport_size({"width": width, "height": 780 if width < 1000 else 900})
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert _page_width(page) <= width, f"{name} is {_page_width(page)} px wide at {width} px"
        shot(page, f"polish-{name}-{width}")


def _as(page, server_url, username):
    """A second person at another phone: a fresh browser context, logged in through the login page."""
    context = page.context.browser.new_context(viewport=PHONE, locale="zh-CN")
    other = context.new_page()
    login(other, server_url, username)
    return other


def test_no_page_scrolls_sideways_at_360_px(page, server_url, tmp_path):
    for name, path in PUBLIC.items():
        _no_sideways_scroll(page, server_url + path, name)

    login(page, server_url, "enterprise")
    fill_food_permit(page, server_url, tmp_path)
    number = submit_application(page)
    _no_sideways_scroll(page, server_url + "/cases/", "cases")
    _no_sideways_scroll(page, server_url + f"/cases/{number}/", "case")
    _no_sideways_scroll(page, server_url + "/licences/", "wallet", widths=(360,))

    clerk = _as(page, server_url, "hz-gov_service-clerk")
    _no_sideways_scroll(clerk, server_url + "/desk/", "desk")
    _no_sideways_scroll(clerk, server_url + "/workbench/", "workbench")
    _no_sideways_scroll(clerk, server_url + f"/desk/cases/{number}/", "desk-case", widths=(360,))

    reviewer = _as(page, server_url, "hz-samr-reviewer")
    _no_sideways_scroll(reviewer, server_url + "/workbench/tasks/", "tasks", widths=(360, 1366))
    _no_sideways_scroll(reviewer, server_url + "/licences/manage/", "licences-manage", widths=(360,))


def test_elder_mode_is_one_click_and_stays_on(page, server_url):
    from playwright.sync_api import expect

    page.set_viewport_size(PHONE)
    page.goto(server_url + "/items/R005/")
    standard = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.get_by_role("button", name="长者模式").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/items/R005/")  # back where the person was
    expect(page.locator("html")).to_have_class("elder")
    larger = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert larger >= standard * 1.2
    ink = page.evaluate("getComputedStyle(document.body).color")
    assert ink == "rgb(0, 0, 0)"
    assert _page_width(page) <= PHONE["width"]
    shot(page, "polish-elder-guide-360")

    page.goto(server_url + "/search/?q=%E9%A4%90%E9%A5%AE")
    expect(page.locator("html")).to_have_class("elder")
    assert _page_width(page) <= PHONE["width"]
    shot(page, "polish-elder-search-360")

    login(page, server_url, "citizen")
    expect(page.locator("html")).to_have_class("elder")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(server_url + "/")
    shot(page, "polish-elder-home-1366")

    page.get_by_role("button", name="退出长者模式").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("html")).not_to_have_class("elder")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == standard


def test_a_damaged_verification_link_says_so(page, server_url):
    from playwright.sync_api import expect

    page.set_viewport_size(PHONE)
    page.goto(server_url + "/licences/verify/440105-2023-YYZZ-000001/?d=3f2a")
    expect(page.locator("#verdict")).to_have_text("核验链接已损坏")
    expect(page.locator("#verdict-message")).to_contain_text("重新扫描")
    shot(page, "polish-verify-damaged-360")
