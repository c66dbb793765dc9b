"""The grid's staff pages: a 网格员's own cells, one cell, and the map with its GeoJSON feeds."""

from django.http import JsonResponse
from django.shortcuts import render

from yiwang.core.decorators import staff_required
from yiwang.core.errors import NotFound
from yiwang.core.permissions import can_do

from . import selectors
from .layers import layer_geojson, layers

GEOJSON = "application/geo+json"


def _require_can(actor, action: str) -> None:
    """Staff with no business on the grid get the same 404 as a row they may not see."""
    if not can_do(actor, action):
        raise NotFound()


@staff_required
def mine(request):
    _require_can(request.user, "grid_work")
    return render(request, "grid/mine.html", {"cells": selectors.my_cells(request.user)})


@staff_required
def cell(request, code):
    found = selectors.cell_for(request.user, code)
    return render(request, "grid/cell.html", {"cell": found, "workers": selectors.active_workers(found)})


@staff_required
def grid_map(request):
    _require_can(request.user, "grid_view")
    return render(request, "grid/map.html", {"layers": layers()})


@staff_required
def cells_geojson(request):
    _require_can(request.user, "grid_view")
    return JsonResponse(selectors.cells_geojson(request.user), content_type=GEOJSON)


@staff_required
def layer(request, key):
    _require_can(request.user, "grid_view")
    return JsonResponse(layer_geojson(key, request.user), content_type=GEOJSON)
