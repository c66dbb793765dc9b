"""A 网格员's day on the grid, in the browser: their cells, one cell's boundary, the map of their street drawn by
the vendored Leaflet under the strict Content-Security-Policy (the page fixture fails on any refusal); and the
12345 centre's map of the whole district."""

import pytest
from playwright.sync_api import expect

from .conftest import login, shot

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
