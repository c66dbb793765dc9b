"""Where the hotline's problems are: its layers on the grid's map (orders in hand, overdue ones, 老大难 hotspots)
and the hotspot list. Everything is read through restrict(), so a liaison's map shows its department's orders
and the centre's its district's."""

import datetime as dt

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from yiwang.core.permissions import restrict

from .models import WorkOrder
from .repeats import WINDOW, Report, hotspots

# A map layer or a hotspot computation reads at most this many orders: the newest, and the page says so.
MAP_ORDERS = 2000
HOTSPOT_ORDERS = 5000


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


def district_hotspots(actor, *, now: dt.datetime | None = None):
    """The 老大难 hotspots among the orders the actor may see of the last 90 days (hotline.repeats), each with its
    orders, largest first."""
    since = (now or timezone.now()) - WINDOW
    orders = list(_located(actor).filter(created_at__gte=since).order_by("-created_at")[:HOTSPOT_ORDERS])
    by_pk = {order.pk: order for order in orders}
    reports = [
        Report(
            key=o.pk,
            category=o.category.code,
            longitude=float(o.longitude),
            latitude=float(o.latitude),
            text=o.description,
            received_at=o.created_at,
            address=o.address,
        )
        for o in orders
    ]
    found = []
    for spot in hotspots(reports):
        found.append(
            {"spot": spot, "orders": [by_pk[key] for key in spot.keys], "category": by_pk[spot.keys[0]].category}
        )
    return found


def hotspots_geojson(actor) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [found["spot"].longitude, found["spot"].latitude]},
                "properties": {
                    "label": f"{found['category'].name} · {len(found['orders'])}",
                    "url": reverse("hotline:hotspots"),
                },
            }
            for found in district_hotspots(actor)
        ],
    }
