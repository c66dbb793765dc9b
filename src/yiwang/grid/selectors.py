"""Reads of the grid: the cells an actor may see or walks, one cell by code, which cell a point lies in, and a
网格员's 上门代办 (the residents' consents they recorded, the items and cases they apply for)."""

import math
from collections.abc import Iterable

import numpy as np
from django.db.models import QuerySet
from django.utils import timezone

from yiwang.cases.models import Case
from yiwang.catalog.models import ItemImplementation
from yiwang.catalog.search import search
from yiwang.core.cache import cached
from yiwang.core.errors import NotFound
from yiwang.core.permissions import get_restricted, restrict

from .geometry import polygon_from_geojson
from .index import CACHE, NOWHERE, CellIndex
from .models import GridCell, HomeServiceConsent

# One colour per street on the map, by the street's own number (the last digits of its code), so a street has the
# same colour on every actor's map.
PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#393b79",
    "#ad494a",
    "#637939",
    "#8c6d31",
    "#843c39",
    "#7b4173",
    "#3182bd",
    "#e6550d",
)


def street_colour(code: str) -> str:
    return PALETTE[int(code[-3:]) % len(PALETTE)] if code[-3:].isdigit() else PALETTE[0]


def visible_cells(actor) -> QuerySet[GridCell]:
    """The cells on the actor's map: the centre and 效能监察 their region's, a 网格员 their street's."""
    return restrict(GridCell.objects.select_related("community__parent"), actor, "grid_view")


def my_cells(actor) -> QuerySet[GridCell]:
    """The cells the actor walks: active assignments, within the reach of their 网格员 role."""
    cells = GridCell.objects.filter(workers__user=actor, workers__active=True).select_related("community__parent")
    return restrict(cells, actor, "grid_work")


def cell_for(actor, code: str) -> GridCell:
    """One cell the actor may see; missing and out of reach are the same NotFound."""
    return get_restricted(visible_cells(actor), actor, "grid_view", code=code)


def active_workers(cell: GridCell):
    return cell.workers.filter(active=True).select_related("user").order_by("user__username")


def cells_geojson(actor) -> dict:
    """The actor's cells as a GeoJSON FeatureCollection, coloured by street; one query."""
    rows = visible_cells(actor).values_list(
        "code",
        "name",
        "polygon",
        "area",
        "community__code",
        "community__name",
        "community__parent__code",
        "community__parent__name",
    )
    features = []
    for code, name, polygon, area, community, community_name, street, street_name in rows:
        features.append(
            {
                "type": "Feature",
                "geometry": polygon,
                "properties": {
                    "code": code,
                    "name": name,
                    "area_m2": round(area),
                    "community": community,
                    "community_name": community_name,
                    "street": street,
                    "street_name": street_name,
                    "color": street_colour(street),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _load_index() -> CellIndex:
    cells = list(GridCell.objects.order_by("code").only("id", "code", "name", "community_id", "polygon"))
    return CellIndex.build(cells, (polygon_from_geojson(cell.polygon) for cell in cells))


def cell_index() -> CellIndex:
    """This process's index of every cell, rebuilt when any cell changed (in any process: core.cache)."""
    return cached(CACHE, "index", _load_index)


def cells_for(points: Iterable[tuple[float, float]]) -> list[GridCell | None]:
    """The cell of each (longitude, latitude), None for a point outside every cell. The GridCell objects are the
    index's own, shared by the process: read them, do not change them."""
    coordinates = np.asarray(list(points), dtype=float).reshape(-1, 2)
    if not len(coordinates):
        return []
    index = cell_index()
    items = index.items
    return [None if at == NOWHERE else items[at] for at in index.locate(coordinates[:, 0], coordinates[:, 1]).tolist()]


def cell_at(longitude: float, latitude: float) -> GridCell | None:
    if not (math.isfinite(longitude) and math.isfinite(latitude)):
        return None
    return cells_for([(longitude, latitude)])[0]


# --- 上门代办 ----------------------------------------------------------------------------------------------------
HOME_CASES_SHOWN = 50


def home_consents(actor) -> QuerySet[HomeServiceConsent]:
    """The consents the 网格员 recorded, over cells still within their reach, newest first."""
    consents = HomeServiceConsent.objects.filter(worker=actor).select_related("person", "cell", "item")
    return restrict(consents, actor, "grid_work")


def home_consent(actor, pk) -> HomeServiceConsent:
    """One consent the 网格员 recorded; another's, or one beyond their reach, is the same NotFound as none."""
    return get_restricted(home_consents(actor), actor, "grid_work", pk=pk)


def home_consent_scan(actor, pk) -> HomeServiceConsent:
    """A signed consent whose scanned form the actor may read: anyone whose grid_work reaches the resident's cell.
    That is the 网格员 who recorded it, while the cell is in their reach (as for the consent's own page), and the
    other 网格员 of the streets their role covers, who answer for the same residents. An oral consent has no scan:
    the same NotFound as a missing one."""
    return get_restricted(HomeServiceConsent.objects.exclude(form_key=""), actor, "grid_work", pk=pk)


def home_consent_in_force(consent: HomeServiceConsent) -> bool:
    return consent.revoked_at is None and consent.expires_on >= timezone.localdate()


def home_implementations(consent: HomeServiceConsent, *, query: str = "") -> list[ItemImplementation]:
    """What the 网格员 may apply for under the consent: the open implementations of the resident's district and the
    regions above it (the item the consent names, if it names one); with a query, ranked by the catalog's search."""
    available = (
        ItemImplementation.objects.filter(
            active=True,
            item__current_version__isnull=False,
            department__region__in=consent.cell.community.ancestors_and_self(),
        )
        .select_related("item", "department")
        .order_by("code")
    )
    if consent.item_id is not None:
        return list(available.filter(item=consent.item_id))
    if not query.strip():
        return list(available)
    ranked = [hit.code for hit in search(query, limit=30) if hit.kind == "item"]
    found = {impl.item.code: impl for impl in available.filter(item__code__in=ranked)}
    return [found[code] for code in ranked if code in found]


def home_implementation(consent: HomeServiceConsent, code: str) -> ItemImplementation:
    found = next((impl for impl in home_implementations(consent) if impl.code == code), None)
    if found is None:
        raise NotFound()
    return found


def home_service_cases(actor, *, limit: int = HOME_CASES_SHOWN) -> list[Case]:
    """The cases the 网格员 applied for at residents' homes, newest first: their own submissions."""
    return list(
        Case.objects.filter(submitted_by=actor, channel=Case.Channel.HOME)
        .select_related("item", "applicant_person")
        .order_by("-created_at", "-pk")[:limit]
    )
