"""效能看板 and 效能公开 in the browser, over the demo's past year of cases: the city's 效能监察 opens the overview,
chooses last month, drills from the district to a department and to an item, downloads the Excel and the
department's monthly report, and opens an item's case; then the public opens a department's page and sees the
same figures with its trend drawn."""

import io

import pytest
from openpyxl import load_workbook

from .conftest import ARTIFACTS, login
from .steps import shots

pytestmark = pytest.mark.browser


def _last_month(page) -> str:
    """Choose the month before this one in the period list (the demo's current month may have just begun)."""
    choice = page.locator("#period optgroup").first.locator("option").nth(1)
    value = choice.get_attribute("value")
    page.locator("#period").select_option(value)
    page.get_by_role("button", name="查看").click()
    page.wait_for_url(f"**?period={value}")
    return value


def _chart_drawn(page, key: str) -> None:
    from playwright.sync_api import expect

    expect(page.locator(f"#chart-{key}")).to_be_visible()
    expect(page.locator(f"#chart-{key} svg").first).to_be_attached()


def test_a_leader_drills_down_and_the_public_sees_the_same(page, server_url):
    from playwright.sync_api import expect

    login(page, server_url, "gz-supervisor")
    page.goto(server_url + "/workbench/")
    page.locator("#nav-insights").click()
    expect(page.get_by_role("heading", name="广州市效能看板")).to_be_visible()
    month = _last_month(page)
    _chart_drawn(page, "trend")
    _chart_drawn(page, "regions")
    shots(page, "insights-01-city")

    page.locator("#section-regions").get_by_role("link", name="海珠区").click()
    expect(page.get_by_role("heading", name="海珠区效能看板")).to_be_visible()
    _chart_drawn(page, "departments")
    expect(page.locator("#section-staff tbody tr").first).to_be_visible()  # the district's window staff
    shots(page, "insights-02-district")

    page.locator("#section-departments").get_by_role("link", name="海珠区市场监督管理局").click()
    expect(page.get_by_role("heading", name="海珠区市场监督管理局效能看板")).to_be_visible()
    _chart_drawn(page, "items")
    shots(page, "insights-03-department")
    with page.expect_download() as report:
        page.locator("#monthly-report").click()
    assert report.value.suggested_filename.endswith(".pdf") and "部门效能月报" in report.value.suggested_filename
    report.value.save_as(ARTIFACTS / "insights-department-report.pdf")
    assert (ARTIFACTS / "insights-department-report.pdf").read_bytes().startswith(b"%PDF")

    item = page.locator("#section-items tbody th a").first
    item_name = item.inner_text()
    item.click()
    expect(page.get_by_role("heading", name=f"海珠区市场监督管理局 · {item_name}")).to_be_visible()
    shots(page, "insights-04-item")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载全部（Excel）").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))  # noqa: SIM115
    assert book.sheetnames == ["主要指标", "趋势"]
    applied = {row[0].value: row[1].value for row in book["主要指标"].iter_rows(min_row=2)}["申报件数"]
    download.value.save_as(ARTIFACTS / "insights-item.xlsx")

    page.locator("#item-cases").click()
    expect(page.locator("#insights-cases tbody tr").first).to_be_visible()
    assert page.locator("#insights-cases tbody tr").count() >= min(applied, 1)
    shots(page, "insights-05-cases")
    number = page.locator("#insights-cases tbody th a").first.inner_text()
    page.locator("#insights-cases tbody th a").first.click()
    page.wait_for_url(f"**/workbench/cases/{number}/")

    # The public: no login, the same figures for the same month.
    page.goto(f"{server_url}/workbench/insights/departments/440105-SAMR/?period={month}")
    staff_cards = page.locator(".insights-cards").inner_text()
    page.context.clear_cookies()
    page.goto(f"{server_url}/xiaoneng/?period={month}")
    expect(page.get_by_role("heading", name="政务服务效能公开")).to_be_visible()
    shots(page, "insights-06-public-index")
    page.locator("#r-440105 ~ .insights-table").get_by_role("link", name="市场监督管理局").click()
    expect(page.get_by_role("heading", name="海珠区市场监督管理局政务服务效能")).to_be_visible()
    _chart_drawn(page, "trend")
    assert page.locator(".insights-cards").inner_text() == staff_cards
    expect(page.get_by_text("按受理人员")).to_have_count(0)
    shots(page, "insights-07-public-department")
