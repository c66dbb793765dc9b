"""Loads the demo grid of 海珠区 (data/haizhu_grid.geojson, synthetic: see data/make_haizhu_grid.py): its streets
and communities as Regions, its cells, and the demo 网格员's cells."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from yiwang.core.cache import cache_bump
from yiwang.org.models import Region
from yiwang.org.reference import open_street_offices

from .index import CACHE
from .models import GridCell, GridWorker

GRID_FILE = Path(__file__).with_name("data") / "haizhu_grid.geojson"
# The demo persona and the street whose communities' cells they walk (accounts.demo gives them the role).
DEMO_WORKER = ("hz-grid-worker", "440105001")


def grid_data() -> dict:
    return json.loads(GRID_FILE.read_text(encoding="utf-8"))


@transaction.atomic
def load_grid(data: dict | None = None) -> int:
    """Idempotent: streets and communities created or renamed, cells created or redrawn, the demo 网格员 (when
    the personas are loaded) assigned to their street's cells. Returns the number of cells in the file."""
    data = data or grid_data()
    meta = data["yiwang"]
    district = Region.objects.get(code=meta["district"]["code"])
    regions = {}
    for street in meta["streets"]:
        regions[street["code"]], _ = Region.objects.update_or_create(
            code=street["code"], defaults={"name": street["name"], "level": Region.Level.TOWN, "parent": district}
        )
    open_street_offices(regions.values())
    for community in meta["communities"]:
        regions[community["code"]], _ = Region.objects.update_or_create(
            code=community["code"],
            defaults={
                "name": community["name"],
                "level": Region.Level.COMMUNITY,
                "parent": regions[community["street"]],
            },
        )
    existing = {cell.code: cell for cell in GridCell.objects.all()}
    new, changed = [], []
    for feature in data["features"]:
        props = feature["properties"]
        cell = existing.get(props["code"]) or GridCell(code=props["code"])
        before = (cell.name, cell.community_id, cell.polygon)
        cell.name, cell.community = props["name"], regions[props["community"]]
        cell.set_polygon(feature["geometry"])
        if cell.pk is None:
            new.append(cell)
        elif before != (cell.name, cell.community_id, cell.polygon):
            changed.append(cell)
    # Bulk writes send no post_save, so the index's generation is bumped here, once.
    GridCell.objects.bulk_create(new)
    GridCell.objects.bulk_update(changed, ["name", "community", "polygon", "centroid_lon", "centroid_lat", "area"])
    if new or changed:
        cache_bump(CACHE)
    _assign_demo_worker()
    return len(data["features"])


def _assign_demo_worker() -> None:
    username, street = DEMO_WORKER
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        return
    cells = GridCell.objects.filter(community__parent__code=street)
    assigned = set(GridWorker.objects.filter(user=user).values_list("cell_id", flat=True))
    GridWorker.objects.bulk_create(GridWorker(user=user, cell=cell) for cell in cells if cell.pk not in assigned)
