"""The hotline's layers on the grid's map: orders in hand, overdue ones, 老大难 hotspots. Everything is read
through restrict(), so a liaison's map shows its department's orders and the centre's its district's."""

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone

from yiwang.core.permissions import restrict

from ..models import Hotspot, WorkOrder
from .hotspots import visible_hotspots

# A map layer reads at most this many orders or hotspots: the newest.
MAP_ORDERS = 2000


def _located(actor) -> QuerySet[WorkOrder]:
    return restrict(
        WorkOrder.objects.filter(longitude__isnull=False, latitude__isnull=False), actor, "hotline_view"
    ).select_related("category")


def _points(orders) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(o.longitude), float(o.latitude)]},
                "properties": {
                    "label": f"{o.number} {o.category.name} {o.get_status_display()}",
                    "url": reverse("hotline:order", args=[o.number]),
                },
            }
            for o in orders
        ],
    }


def open_orders_geojson(actor) -> dict:
    """Orders not yet closed, newest first."""
    rows = _located(actor).exclude(status__in=(WorkOrder.Status.CLOSED, WorkOrder.Status.ANSWERED))
    return _points(rows.order_by("-created_at")[:MAP_ORDERS])


def overdue_orders_geojson(actor) -> dict:
    """Orders past the limit that runs now: signing while dispatched, replying while in hand."""
    now = timezone.now()
    rows = _located(actor)
    late = rows.filter(status=WorkOrder.Status.DISPATCHED, sign_due__lt=now) | rows.filter(
        status=WorkOrder.Status.SIGNED, reply_due__lt=now
    )
    return _points(late.order_by("-created_at")[:MAP_ORDERS])


def hotspots_geojson(actor) -> dict:
    """The open hotspots with a position."""
    rows = (
        visible_hotspots(actor)
        .filter(status=Hotspot.Status.OPEN, longitude__isnull=False, latitude__isnull=False)
        .annotate(order_count=Count("orders"))
        .order_by("-pk")[:MAP_ORDERS]
    )
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(spot.longitude), float(spot.latitude)]},
                "properties": {
                    "label": f"{spot.category.name} · {spot.order_count}",
                    "url": reverse("hotline:hotspot", args=[spot.pk]),
                },
            }
            for spot in rows
        ],
    }
