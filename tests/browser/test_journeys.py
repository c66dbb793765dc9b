"""A citizen's journey through the real server in a real browser (Playwright driving Debian's chromium)."""

import pytest

from .conftest import ARTIFACTS, shot

QUESTION = "开饭店要办哪些证"

pytestmark = pytest.mark.browser


def test_restaurant_owner_finds_the_food_permit_guide(page, server_url):
    from playwright.sync_api import expect

    page.goto(server_url + "/")
    expect(page.get_by_role("link", name="一网通办").first).to_be_visible()
    shot(page, "01-home")

    box = page.locator("#q")
    box.click()
    box.press_sequentially(QUESTION, delay=30)
    expect(page.locator("#suggestions a").first).to_be_visible()  # htmx live suggestions
    shot(page, "02-suggestions")

    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    results = page.locator("#results")
    expect(results).to_contain_text("开餐馆一件事")
    shot(page, "03-results")

    results.get_by_role("link", name="开餐馆一件事").click()
    page.wait_for_url("**/bundles/B02/")
    expect(page.locator("h1")).to_have_text("开餐馆一件事")
    shot(page, "04-bundle")

    page.locator("#bundle-items").get_by_role("link", name="食品经营许可（新办）").click()
    page.wait_for_url("**/items/R005/")
    expect(page.locator("h1")).to_have_text("食品经营许可（新办）")
    expect(page.locator("#materials")).to_contain_text("免提交")
    expect(page.locator("#time-limits")).to_contain_text("法定 10 个工作日")
    shot(page, "05-guide")
    page.locator("#materials").screenshot(path=ARTIFACTS / "05-guide-materials.png")

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()  # the print stylesheet drops the chrome
    shot(page, "06-guide-print")
    page.emulate_media(media="screen")

    page.locator("#language").select_option("en")
    page.get_by_role("button", name="切换语言").click()
    page.wait_for_url("**/en/items/R005/")
    expect(page.locator("#materials")).to_contain_text("No submission needed")
    shot(page, "07-guide-en")
