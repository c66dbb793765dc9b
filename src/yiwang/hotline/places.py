"""Where the hotline's problems are: its layers on the grid's map (orders in hand, overdue ones, 老大难 hotspots)
and the hotspots' pages, read from the hotspots detection stored (hotline.services.hotspots): no segmentation on
a request. Everything is read through restrict(), so a liaison's map shows its department's orders and the
centre's its district's; a liaison's hotspot list, the hotspots its department owns."""

import datetime as dt

from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from yiwang.core.permissions import get_restricted, restrict
from yiwang.org.models import Department

from .models import Hotspot, HotspotMilestone, WorkOrder

# A map layer reads at most this many orders or hotspots: the newest.
MAP_ORDERS = 2000
# The hotspot list shows at most this many of one status: the most reported.
LIST_HOTSPOTS = 500


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


def _hotspots(actor) -> QuerySet[Hotspot]:
    return restrict(Hotspot.objects.all(), actor, "hotline_view").select_related("category__parent", "department")


def _with_figures(spots, today: dt.date) -> list[Hotspot]:
    found = list(spots)
    for spot in found:
        spot.overdue = spot.status == Hotspot.Status.OPEN and spot.deadline is not None and spot.deadline < today
    return found


def hotspot_list(actor, *, status: str = Hotspot.Status.OPEN, today: dt.date | None = None) -> list[Hotspot]:
    """The 老大难 hotspots the actor may see (the centre and 效能监察 their district's, a department's liaison those
    it owns) in one status, each with how many orders it holds, when the last came, its open milestones and
    whether its deadline has passed; the most reported first."""
    rows = (
        _hotspots(actor)
        .filter(status=status)
        .annotate(
            order_count=Count("orders", distinct=True),
            last_at=Max("orders__created_at"),
            open_milestones=Count("milestones", filter=Q(milestones__done_at__isnull=True), distinct=True),
        )
        .order_by("-order_count", "-last_at", "-pk")
    )
    return _with_figures(rows[:LIST_HOTSPOTS], today or timezone.localdate())


def hotspot_for(actor, pk: int, *, today: dt.date | None = None) -> Hotspot:
    """One hotspot the actor may see; NotFound otherwise."""
    spot = get_restricted(_hotspots(actor).select_related("region"), actor, "hotline_view", pk=pk)
    return _with_figures([spot], today or timezone.localdate())[0]


def hotspot_orders(actor, spot: Hotspot) -> tuple[list[WorkOrder], int]:
    """The hotspot's orders the actor may open, first received first, and how many it holds in all: a department
    sees only the orders sent to it, and the count of the others."""
    rows = restrict(spot.orders.all(), actor, "hotline_view").select_related("category")
    shown = list(rows.order_by("created_at", "pk"))
    return shown, spot.orders.count()


def hotspot_milestones(spot: Hotspot) -> list[HotspotMilestone]:
    return list(spot.milestones.order_by("due", "pk"))


def milestone_for(actor, pk: int) -> HotspotMilestone:
    """One milestone of a hotspot the actor may see; NotFound otherwise."""
    return get_restricted(HotspotMilestone.objects.all(), actor, "hotline_view", pk=pk)


def hotspot_departments(spot: Hotspot) -> QuerySet[Department]:
    """Who may own it: the district's departments."""
    return Department.objects.filter(region_id=spot.region_id).order_by("kind")


def hotspots_geojson(actor) -> dict:
    """The open hotspots with a position."""
    rows = (
        _hotspots(actor)
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
