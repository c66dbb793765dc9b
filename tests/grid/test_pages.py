"""Who sees which cells, on the pages and in the GeoJSON; the map page and its layer seam."""

import pytest
from django.urls import reverse

from yiwang.core.errors import ValidationFailed
from yiwang.grid import layers, selectors
from yiwang.grid.models import GridCell, GridWorker
from yiwang.grid.services import grid_worker_assign, grid_worker_release

pytestmark = pytest.mark.django_db

NANZHOU = "440105001"
NANZHOU_CELL = "440105001001-001"
OTHER_STREET_CELL = "440105002001-001"  # 江南中街道


def test_a_grid_worker_sees_only_nanzhous_cells(grid_worker, operator):
    assert set(selectors.visible_cells(grid_worker).values_list("community__parent__code", flat=True)) == {NANZHOU}
    assert set(selectors.my_cells(grid_worker).values_list("community__parent__code", flat=True)) == {NANZHOU}
    assert selectors.visible_cells(operator).count() == GridCell.objects.count()
    assert not selectors.my_cells(operator).exists()


def test_the_worker_list_shows_their_cells_and_the_cell_pages_stop_at_their_street(client, grid_worker):
    client.force_login(grid_worker)
    page = client.get(reverse("grid:mine")).content.decode()
    assert page.count("data-cell=") == selectors.my_cells(grid_worker).count()
    assert NANZHOU_CELL in page and OTHER_STREET_CELL not in page
    assert client.get(reverse("grid:cell", kwargs={"code": NANZHOU_CELL})).status_code == 200
    assert client.get(reverse("grid:cell", kwargs={"code": OTHER_STREET_CELL})).status_code == 404
    assert client.get(reverse("grid:cell", kwargs={"code": "no-such-cell"})).status_code == 404


def test_a_released_worker_no_longer_lists_the_cell(client, grid_worker, catalog_admin):
    assignment = GridWorker.objects.get(user=grid_worker, cell__code=NANZHOU_CELL)
    grid_worker_release(actor=catalog_admin, assignment=assignment)
    assert not selectors.my_cells(grid_worker).filter(code=NANZHOU_CELL).exists()
    again = grid_worker_assign(actor=catalog_admin, user=grid_worker, cell=assignment.cell)
    assert again.pk == assignment.pk and again.active


def test_only_a_grid_worker_of_the_cells_street_is_assigned(grid_worker, operator, catalog_admin):
    other = GridCell.objects.get(code=OTHER_STREET_CELL)
    for user, cell in ((grid_worker, other), (operator, GridCell.objects.get(code=NANZHOU_CELL))):
        with pytest.raises(ValidationFailed) as refused:
            grid_worker_assign(actor=catalog_admin, user=user, cell=cell)
        assert "user" in refused.value.fields
    assert not GridWorker.objects.filter(user=grid_worker, cell=other).exists()


def test_a_citizen_is_turned_away_from_every_grid_page(client, citizen):
    client.force_login(citizen)
    for url in (
        reverse("grid:mine"),
        reverse("grid:map"),
        reverse("grid:cells_geojson"),
        reverse("grid:cell", kwargs={"code": NANZHOU_CELL}),
        reverse("grid:layer", kwargs={"key": "orders"}),
    ):
        assert client.get(url).status_code == 403, url


def test_staff_without_business_on_the_grid_get_404(client, clerk):
    client.force_login(clerk)
    for url in (reverse("grid:mine"), reverse("grid:map"), reverse("grid:cells_geojson")):
        assert client.get(url).status_code == 404, url


def test_the_map_page_loads_vendored_leaflet_and_no_inline_code(client, operator):
    client.force_login(operator)
    response = client.get(reverse("grid:map"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "/static/grid/vendor/leaflet/leaflet.js" in page and "/static/grid/map.js" in page
    assert f'data-cells="{reverse("grid:cells_geojson")}"' in page
    assert "unpkg" not in page and "cdn" not in page.lower()
    assert 'id="nav-grid"' in page


def test_the_geojson_lists_what_the_actor_may_see_in_few_queries(
    client, operator, grid_worker, django_assert_max_num_queries
):
    client.force_login(operator)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("grid:cells_geojson"))
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == GridCell.objects.count()
    first = collection["features"][0]
    assert first["geometry"]["type"] == "Polygon"
    assert set(first["properties"]) >= {"code", "name", "street", "street_name", "community_name", "color"}
    colours = {f["properties"]["street"]: f["properties"]["color"] for f in collection["features"]}
    assert len(colours) == 18 and len(set(colours.values())) == 18

    client.force_login(grid_worker)
    with django_assert_max_num_queries(6):
        mine = client.get(reverse("grid:cells_geojson")).json()
    assert {f["properties"]["street"] for f in mine["features"]} == {NANZHOU}
    # A street has one colour on every map.
    assert {f["properties"]["color"] for f in mine["features"]} == {colours[NANZHOU]}


def test_another_app_feeds_a_layer_through_the_registry(client, monkeypatch, operator, grid_worker):
    seen = []

    def points(actor):
        seen.append(actor.username)
        return {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [113.3, 23.06]},
                    "properties": {"label": "井盖缺失"},
                }
            ],
        }

    monkeypatch.setattr(layers, "_layers", {})
    layers.register_layer("orders", label="12345工单", colour="#d62728", points=points)
    client.force_login(operator)
    page = client.get(reverse("grid:map")).content.decode()
    url = reverse("grid:layer", kwargs={"key": "orders"})
    assert f'data-url="{url}"' in page and "12345工单" in page
    answer = client.get(url)
    assert answer.status_code == 200 and answer.json()["features"][0]["properties"]["label"] == "井盖缺失"
    assert seen == ["hz-12345-operator"]
    assert client.get(reverse("grid:layer", kwargs={"key": "unknown"})).status_code == 404
    with pytest.raises(ValueError):
        layers.register_layer("not a key", label="x", colour="#000", points=points)
