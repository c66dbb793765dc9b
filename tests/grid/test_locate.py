"""Point in polygon: cell_at and cells_for against known points, edges and corners, the index following changes
(core.cache generations), and the location check the hotline calls."""

import pytest
from django.db import connection
from shapely.geometry import shape

from yiwang.core.errors import NotFound, ValidationFailed
from yiwang.core.models import CacheGeneration
from yiwang.grid import selectors
from yiwang.grid.index import CACHE
from yiwang.grid.models import GridCell
from yiwang.grid.services import grid_cell_save, require_in_district
from yiwang.org.models import Region

pytestmark = pytest.mark.django_db

OUTSIDE = [(113.20, 23.08), (113.50, 23.08), (113.30, 23.20), (113.30, 22.90), (116.4, 39.9)]
# A square east of the district's outline (over the river at 黄埔), drawn by the tests as a new cell.
EAST = {
    "type": "Polygon",
    "coordinates": [[[113.43, 23.08], [113.44, 23.08], [113.44, 23.09], [113.43, 23.09], [113.43, 23.08]]],
}


def test_a_cells_centroid_lies_in_that_cell():
    cells = list(GridCell.objects.all())
    found = selectors.cells_for([(c.centroid_lon, c.centroid_lat) for c in cells])
    # A shore cell merged with a sliver may be L-shaped, its centroid outside it: those are checked by a point
    # surely inside (shapely's representative point) instead.
    for cell, hit in zip(cells, found, strict=True):
        polygon = shape(cell.polygon)
        if polygon.contains(polygon.centroid):
            assert hit is not None and hit.code == cell.code
    for cell in cells:
        point = shape(cell.polygon).representative_point()
        assert selectors.cell_at(point.x, point.y).code == cell.code


def test_a_point_outside_the_district_has_no_cell():
    assert selectors.cells_for(OUTSIDE) == [None] * len(OUTSIDE)
    assert selectors.cell_at(float("nan"), 23.08) is None
    assert selectors.cells_for([]) == []


def test_a_point_on_a_shared_edge_or_corner_belongs_to_exactly_one_cell_first_by_code():
    cells = {c.code: shape(c.polygon) for c in GridCell.objects.filter(community__parent__code="440105001")}
    codes = sorted(cells)
    edge = corner = None
    for a in codes:
        for b in codes:
            if a < b and cells[a].intersection(cells[b]).geom_type == "LineString":
                edge = (a, b, cells[a].intersection(cells[b]).interpolate(0.5, normalized=True))
                break
        if edge:
            break
    a, b, point = edge
    assert {selectors.cell_at(point.x, point.y).code for _ in range(3)} == {a}
    # A lattice corner inside the district, shared by four cells.
    for x, y in ((113.300, 23.060), (113.305, 23.065), (113.310, 23.070)):
        sharing = sorted(c.code for c in GridCell.objects.all() if shape(c.polygon).covers(shape_point(x, y)))
        if len(sharing) >= 2:
            corner = (x, y, sharing[0])
            break
    x, y, first = corner
    assert selectors.cell_at(x, y).code == first


def shape_point(x, y):
    return shape({"type": "Point", "coordinates": [x, y]})


def test_the_index_sees_a_new_cell_once_it_is_saved():
    assert selectors.cell_at(113.435, 23.085) is None  # the index is built, without the new cell
    community = Region.objects.get(code="440105003001")
    cell = grid_cell_save(actor=None, code="440105003001-900", name="测试网格", community=community, polygon=EAST)
    assert selectors.cell_at(113.435, 23.085) == cell


def test_the_index_follows_another_processs_change():
    """Another process wrote a cell (no signal here) and bumped the generation; a new transaction here rebuilds."""
    before = selectors.cell_index()
    assert selectors.cell_at(113.435, 23.085) is None
    cell = GridCell(code="440105003001-901", name="别处写入的网格", community=Region.objects.get(code="440105003001"))
    cell.set_polygon(EAST)
    GridCell.objects.bulk_create([cell])
    assert selectors.cell_at(113.435, 23.085) is None  # this process has not heard of it
    CacheGeneration.objects.filter(name=CACHE).update(token="written-by-another-process")
    connection._yiwang_cache_tokens = None  # what the next transaction does: read the tokens again
    assert selectors.cell_at(113.435, 23.085).code == "440105003001-901"
    assert selectors.cell_index() is not before


def test_a_cell_may_not_overlap_another_or_be_drawn_badly():
    community = Region.objects.get(code="440105001001")
    neighbour = GridCell.objects.filter(community=community).first()
    with pytest.raises(ValidationFailed) as refused:
        grid_cell_save(actor=None, code="440105001001-900", name="重叠", community=community, polygon=neighbour.polygon)
    assert refused.value.subcode == "cell_overlap" and "polygon" in refused.value.fields
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[113.43, 23.08], [113.44, 23.09], [113.44, 23.08], [113.43, 23.09], [113.43, 23.08]]],
    }
    for bad in (bowtie, {"type": "Point", "coordinates": [113.43, 23.08]}, {"type": "Polygon"}, "x"):
        with pytest.raises(ValidationFailed) as refused:
            grid_cell_save(actor=None, code="440105001001-901", name="坏", community=community, polygon=bad)
        assert "polygon" in refused.value.fields
    with pytest.raises(ValidationFailed):
        grid_cell_save(actor=None, code="440105001-900", name="街道", community=community.parent, polygon=EAST)
    assert not GridCell.objects.filter(code__endswith="-900").exists()
    assert not GridCell.objects.filter(code__endswith="-901").exists()


def test_only_an_administrator_of_the_region_draws_cells(grid_worker, catalog_admin):
    community = Region.objects.get(code="440105001001")
    with pytest.raises(NotFound):
        grid_cell_save(actor=grid_worker, code="440105001001-900", name="x", community=community, polygon=EAST)
    cell = grid_cell_save(actor=catalog_admin, code="440105001001-900", name="x", community=community, polygon=EAST)
    assert cell.area == pytest.approx(1_135_000, rel=0.02)  # 0.01° × 0.01° here: about 1,024 m × 1,112 m


def test_require_in_district():
    inside = GridCell.objects.get(code="440105001001-001")
    point = shape(inside.polygon).representative_point()
    assert require_in_district(point.x, point.y) == inside
    assert require_in_district(str(point.x), str(point.y)) == inside  # as a form posts it
    for lon, lat in [*OUTSIDE, ("", ""), (None, 23.08), ("东经", "北纬")]:
        with pytest.raises(ValidationFailed) as refused:
            require_in_district(lon, lat)
        assert refused.value.subcode == "location_outside"
        assert refused.value.fields == {"location": ["坐标不在本区范围内"]}
