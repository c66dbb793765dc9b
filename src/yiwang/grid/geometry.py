"""A cell's shape: GeoJSON in, a valid shapely Polygon out, with what the model keeps of it (centroid, area)."""

import math

from django.utils.translation import gettext as _
from shapely.geometry import Polygon, shape

from yiwang.core.errors import ValidationFailed

# WGS 84's mean radius; an equirectangular projection at the cell's own latitude is exact to well under 1 % for
# cells a few hundred metres across, which is all `area` is for (a figure on a page, not a survey).
EARTH_RADIUS_M = 6_371_008.8


def polygon_from_geojson(geometry) -> Polygon:
    """The GeoJSON geometry as a shapely Polygon, or ValidationFailed naming the field: a cell is one simple
    polygon (no multipolygon, no self-intersection, no hole) in longitude/latitude degrees."""
    try:
        if not isinstance(geometry, dict) or geometry.get("type") != "Polygon":
            raise ValueError
        polygon = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError):
        raise ValidationFailed(fields={"polygon": [_("网格边界必须是 GeoJSON Polygon")]}) from None
    if polygon.is_empty or not polygon.is_valid or polygon.area <= 0:
        raise ValidationFailed(fields={"polygon": [_("网格边界不是有效的多边形（自相交或面积为零）")]})
    if polygon.interiors:
        raise ValidationFailed(fields={"polygon": [_("网格边界不能有洞")]})
    west, south, east, north = polygon.bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise ValidationFailed(fields={"polygon": [_("网格边界的坐标必须是经纬度（WGS 84）")]})
    return polygon


def area_m2(polygon: Polygon) -> float:
    scale = math.radians(1) * EARTH_RADIUS_M
    return polygon.area * scale * scale * math.cos(math.radians(polygon.centroid.y))
