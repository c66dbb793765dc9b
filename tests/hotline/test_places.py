"""A work order's place: checked against the district's grid and given its cell; drawn on the grid's map for
those who may see it; and a problem reported again and again at one place listed as a 老大难 hotspot."""

import json

import pytest

from yiwang.accounts.models import User
from yiwang.core.errors import ValidationFailed
from yiwang.grid.models import GridCell
from yiwang.hotline import services
from yiwang.hotline.models import WorkOrder
from yiwang.org.models import Region

STALL = "宝业路 88 号门口每天早上有水果摊占道经营，行人只能走机动车道，请城管处理。"


@pytest.fixture
def cell(db):
    return GridCell.objects.order_by("code").first()


def test_a_located_order_gets_its_grid_cell_and_a_place_outside_the_district_is_refused(take, cell):
    order = take(longitude=cell.centroid_lon, latitude=cell.centroid_lat)
    assert order.grid_cell_code == cell.code
    before = WorkOrder.objects.count()
    for longitude, latitude in ((113.50, 23.30), (cell.centroid_lon, None)):
        with pytest.raises(ValidationFailed) as refused:
            take(longitude=longitude, latitude=latitude, category="NOPE")
        # refused together with the other errors, so the operator hears everything at once
        assert {"location", "category"} <= set(refused.value.fields)
    with pytest.raises(ValidationFailed) as elsewhere:
        services.order_take(
            actor=User.objects.get(username="admin"),
            region=Region.objects.get(code="440106"),
            kind=WorkOrder.Kind.COMPLAINT,
            category="CITY-01",
            description=STALL,
            caller_phone="13800138000",
            longitude=cell.centroid_lon,
            latitude=cell.centroid_lat,
        )
    assert "location" in elsewhere.value.fields
    assert WorkOrder.objects.count() == before


def test_the_map_layers_show_an_order_to_those_who_may_see_it(client, take, cell, operator, housing_liaison):
    order = take(longitude=cell.centroid_lon, latitude=cell.centroid_lat)
    client.force_login(operator)
    shown = client.get("/workbench/grid/layers/orders.geojson").json()["features"]
    assert [f["properties"]["url"] for f in shown] == [f"/workbench/hotline/orders/{order.number}/"]
    assert shown[0]["geometry"]["coordinates"] == pytest.approx([cell.centroid_lon, cell.centroid_lat], abs=1e-6)
    assert client.get("/workbench/grid/layers/overdue.geojson").json()["features"] == []
    # A grid worker opens the map but sees no work order (no hotline_view); a liaison has no map at all.
    client.force_login(User.objects.get(username="hz-grid-worker"))
    assert client.get("/workbench/grid/layers/orders.geojson").json()["features"] == []
    client.force_login(housing_liaison)
    assert client.get("/workbench/grid/layers/orders.geojson").status_code == 404


def test_a_problem_reported_three_times_is_a_hotspot(client, take, cell, operator, django_assert_max_num_queries):
    here = {"longitude": cell.centroid_lon, "latitude": cell.centroid_lat, "address": "宝业路 88 号"}
    orders = [take(description=STALL, **here) for _ in range(3)]
    take(description="南洲路菜市场门口有烧烤摊占道，油烟很大。", category="CITY-05", **here)
    client.force_login(operator)
    assert client.get("/workbench/hotline/hotspots/").content.decode().count("data-hotspot") == 0  # not yet found
    assert services.hotspots_detect() == {"opened": 1, "joined": 0}
    with django_assert_max_num_queries(12):
        page = client.get("/workbench/hotline/hotspots/")
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count("data-hotspot") == 1 and "<td data-order-count>3</td>" in text
    spots = json.loads(client.get("/workbench/grid/layers/hotspots.geojson").content)["features"]
    assert len(spots) == 1 and spots[0]["properties"]["label"].endswith("· 3")
    assert spots[0]["geometry"]["coordinates"] == pytest.approx([cell.centroid_lon, cell.centroid_lat], abs=1e-6)
    detail = client.get(spots[0]["properties"]["url"]).content.decode()
    assert all(o.number in detail for o in orders)
