"""The seam through which other apps draw on the grid's map without the grid knowing them.

An app registers a layer from its AppConfig.ready:

    from yiwang.grid.layers import register_layer
    register_layer("orders", label=_("12345工单"), colour="#d62728", points=open_orders_geojson)

`points(actor)` returns a GeoJSON FeatureCollection of Point features and must itself show only what the actor
may see (restrict() in the app's own selector), the way the grid restricts its cells; each feature's
properties may carry "label" (the tooltip) and "url" (a same-site link). The map lists every registered layer
as a switch and fetches /workbench/grid/layers/<key>.geojson when it is turned on. The grid imports no app that
feeds it: the hotline depends on the grid, never the other way round.
"""

from collections.abc import Callable
from dataclasses import dataclass

from yiwang.core.errors import NotFound


@dataclass(frozen=True)
class Layer:
    key: str
    label: str
    colour: str
    points: Callable[[object], dict]


_layers: dict[str, Layer] = {}


def register_layer(key: str, *, label, colour: str, points: Callable[[object], dict]) -> None:
    if not key.isidentifier():
        raise ValueError(f"a layer key is a plain identifier, not {key!r}")
    _layers[key] = Layer(key=key, label=label, colour=colour, points=points)


def layers() -> list[Layer]:
    return sorted(_layers.values(), key=lambda layer: layer.key)


def layer_geojson(key: str, actor) -> dict:
    layer = _layers.get(key)
    if layer is None:
        raise NotFound()
    return layer.points(actor)
