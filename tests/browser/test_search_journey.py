"""Search as Guangzhou asks: a foreign resident in English, a Cantonese speaker in traditional characters, a typo
by sound, a passport (handled elsewhere: told plainly where to go), a question nothing answers ("did you mean");
then the catalog's administrator finds the unanswered queries on the workbench, masked."""

import pytest

from .conftest import login, shot

pytestmark = pytest.mark.browser


def search(page, server_url: str, query: str) -> None:
    page.goto(server_url + "/search/")
    page.get_by_label("搜索事项").fill(query)
    page.get_by_role("button", name="搜索", exact=True).click()


def test_search_understands_how_people_ask_and_says_when_it_is_not_here(page, server_url):
    from playwright.sync_api import expect

    search(page, server_url, "how to register a company")
    results = page.locator("#results")
    expect(results.locator("li").first).to_contain_text("Limited liability company")
    shot(page, "search-01-english")

    search(page, server_url, "點樣開間茶餐廳")
    expect(page.locator("#results li").first).to_contain_text("开餐馆一件事")
    shot(page, "search-02-cantonese")

    search(page, server_url, "身份正过期了")
    expect(page.locator("#results li").first).to_contain_text("居民身份证换领")

    search(page, server_url, "我想办护照 13812345678")
    expect(page.get_by_role("heading", level=1)).to_contain_text("不在本平台办理")
    expect(page.locator("#referral")).to_contain_text("出入境")
    expect(page.locator("#results")).to_have_count(0)
    shot(page, "search-03-not-here")

    search(page, server_url, "量子纠缠实验室证明")
    expect(page.get_by_role("heading", level=1)).to_contain_text("没有找到")
    expect(page.locator("#suggestions")).to_be_visible()
    shot(page, "search-04-did-you-mean")

    login(page, server_url, "admin")
    page.locator("#nav-search-misses").click()
    table = page.locator("table")
    expect(table).to_contain_text("我想办护照 [号码]")
    expect(table).to_contain_text("量子纠缠实验室证明")
    expect(table).not_to_contain_text("13812345678")
    shot(page, "search-05-misses")
