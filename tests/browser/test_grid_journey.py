"""A 网格员's day on the grid, in the browser: their cells, one cell's boundary, the map of their street drawn by
the vendored Leaflet under the strict Content-Security-Policy (the page fixture fails on any refusal); a problem
reported with its photo, which the 12345 centre finds on the order; a resident's signed consent recorded and its
scan downloaded again; and the centre's map of the whole district."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.case_fixtures import PDF

from .conftest import login, shot
from .steps import switch_user

pytestmark = pytest.mark.browser

# The cells are polygons Leaflet draws as SVG paths, one per cell.
CELL_PATHS = "#grid-map path.leaflet-interactive"


def test_a_grid_worker_opens_their_cells_and_their_map(page, server_url):
    login(page, server_url, "hz-grid-worker")
    page.goto(server_url + "/workbench/grid/")
    rows = page.locator("#grid-cells tr[data-cell]")
    expect(rows.first).to_be_visible()
    count = rows.count()
    assert count > 10 and all(
        code.startswith("440105001") for code in rows.evaluate_all("r => r.map(x => x.dataset.cell)")
    )
    rows.first.locator("a").click()
    expect(page.locator(CELL_PATHS)).to_have_count(1)
    shot(page, "grid-cell")

    page.goto(server_url + "/workbench/grid/map/")
    expect(page.locator(CELL_PATHS)).to_have_count(count)
    expect(page.locator("#grid-map-status")).to_contain_text(f"{count} 个网格")
    shot(page, "grid-map-worker")
    # A click on a cell opens its page.
    page.locator(CELL_PATHS).nth(count // 2).click()
    expect(page.locator("#cell-code")).to_contain_text("440105001")


def test_the_centre_sees_the_whole_district(page, server_url):
    login(page, server_url, "hz-12345-operator")
    page.goto(server_url + "/workbench/grid/map/")
    expect(page.locator(CELL_PATHS)).to_have_count(387, timeout=20_000)
    shot(page, "grid-map-district")


# A JPEG by its content (core.storage judges the type from the magic bytes).
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def test_a_grid_worker_reports_with_a_photo_and_keeps_a_signed_consent(page, server_url, tmp_path):
    photo, scan = tmp_path / "垃圾满溢.jpg", tmp_path / "授权书.pdf"
    photo.write_bytes(JPEG)
    scan.write_bytes(PDF + "陈阿婆签字".encode())
    login(page, server_url, "hz-grid-worker")
    page.goto(server_url + "/workbench/")
    page.locator("#nav-grid-report").click()
    page.get_by_label("分类", exact=True).select_option("CITY-02")
    page.get_by_label("问题描述").fill("南洲路 12 号旁的垃圾桶满溢，垃圾散落在人行道上。")
    page.locator("#g-cell").select_option(index=1)
    page.locator("#g-attachments").set_input_files(photo)
    shot(page, "grid-report-photo")
    page.get_by_role("button", name="上报").click()
    expect(page.locator("[role=status]").first).to_contain_text("已上报")
    number = page.locator("#grid-reports tr[data-report] td").first.inner_text()

    page.goto(server_url + "/workbench/grid/home-service/consents/new/")
    page.get_by_label("姓名", exact=True).fill("陈阿婆")
    page.get_by_label("居民身份证号码").fill("110105194003120026")
    page.get_by_label("代办原因").select_option("elderly")
    page.get_by_label("所在网格").select_option(index=1)
    page.get_by_label("居住地址").fill("广州市海珠区南洲路 1 号 3 楼")
    page.get_by_label("书面签字").check()
    page.locator("#c-form").set_input_files(scan)
    page.get_by_role("button", name="记录同意").click()
    expect(page.locator("#consent-scan")).to_have_text("授权书.pdf")
    with page.expect_download() as download:
        page.locator("#consent-scan").click()
    assert download.value.suggested_filename == "授权书.pdf"
    assert Path(download.value.path()).read_bytes() == scan.read_bytes()

    switch_user(page, server_url, "hz-12345-operator")
    page.goto(f"{server_url}/workbench/hotline/orders/{number}/")
    expect(page.get_by_role("link", name="垃圾满溢.jpg")).to_be_visible()
    shot(page, "grid-report-order-with-photo")
