"""The shipped demo grid: valid cells that tile the district's outline, each under a community of 海珠区, and a
generator that reproduces the committed file."""

import importlib.util

import pytest
import shapely
from shapely.geometry import shape

from yiwang.grid.models import GridCell, GridWorker
from yiwang.grid.reference import GRID_FILE, grid_data, load_grid
from yiwang.org.models import Region

DATA = grid_data()
CELLS = [shape(f["geometry"]) for f in DATA["features"]]
OUTLINE = shape(DATA["yiwang"]["district"]["outline"])
# Vertices sit on a 1e-7° grid (about 1 cm); where the shore crosses a cell the clipped edge may stray from the
# drawn outline by that much, which over the whole shore is well under this (about 100 m² in all).
TOLERANCE = 1e-8


def test_every_cell_is_a_valid_polygon_counter_clockwise():
    assert 300 <= len(CELLS) <= 400
    for feature, cell in zip(DATA["features"], CELLS, strict=True):
        assert cell.geom_type == "Polygon" and cell.is_valid and not cell.interiors, feature["properties"]["code"]
        assert cell.exterior.is_ccw, feature["properties"]["code"]


def test_no_two_cells_overlap():
    tree = shapely.STRtree(CELLS)
    for i, cell in enumerate(CELLS):
        for j in tree.query(cell, predicate="intersects"):
            if j > i:
                overlap = cell.intersection(CELLS[j])
                assert overlap.area == 0, (DATA["features"][i]["properties"]["code"], overlap.area)


def test_the_cells_cover_the_outline_with_no_gap():
    union = shapely.union_all(CELLS)
    assert union.difference(OUTLINE).area < TOLERANCE
    assert OUTLINE.difference(union).area < TOLERANCE
    assert union.geom_type == "Polygon" and not union.interiors  # one piece, no hole inside the district


def test_the_district_bounds_are_haizhu():
    west, south, east, north = OUTLINE.bounds
    assert 113.23 <= west < east <= 113.42 and 23.04 <= south < north <= 23.12


def test_the_generator_reproduces_the_committed_file(tmp_path):
    path = GRID_FILE.with_name("make_haizhu_grid.py")
    spec = importlib.util.spec_from_file_location("make_haizhu_grid", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.OUT = tmp_path / "grid.geojson"
    module.main()
    assert module.OUT.read_text(encoding="utf-8") == GRID_FILE.read_text(encoding="utf-8")


@pytest.mark.django_db
def test_loaded_cells_sit_under_haizhu_communities_of_its_18_streets():
    haizhu = Region.objects.get(code="440105")
    assert GridCell.objects.count() == len(CELLS)
    assert not GridCell.objects.exclude(community__level="community").exists()
    assert not GridCell.objects.exclude(community__path__startswith=haizhu.path).exists()
    streets = Region.objects.filter(parent=haizhu, level="town")
    assert streets.count() == 18
    names = dict(streets.values_list("code", "name"))
    assert (names["440105001"], names["440105002"], names["440105003"], names["440105004"]) == (
        "南洲街道",
        "江南中街道",
        "琶洲街道",
        "赤岗街道",
    )
    for street in streets:
        communities = street.children.filter(level="community")
        assert 2 <= communities.count() <= 4, street.name
        for community in communities:
            assert community.grid_cells.exists(), community.name
    # The three communities the reference catalog already had are reused, not duplicated.
    assert Region.objects.get(code="440105001001").name == "南洲社区"
    assert Region.objects.get(code="440105002001").grid_cells.exists()


@pytest.mark.django_db
def test_load_grid_is_idempotent():
    before = (Region.objects.count(), GridCell.objects.count(), GridWorker.objects.count())
    assert load_grid() == len(CELLS)
    assert (Region.objects.count(), GridCell.objects.count(), GridWorker.objects.count()) == before


@pytest.mark.django_db
def test_the_demo_grid_worker_walks_the_cells_of_nanzhou():
    cells = GridCell.objects.filter(workers__user__username="hz-grid-worker", workers__active=True)
    assert cells.exists()
    assert set(cells.values_list("community__parent__code", flat=True)) == {"440105001"}
    assert cells.count() == GridCell.objects.filter(community__parent__code="440105001").count()
