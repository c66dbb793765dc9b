"""老大难 hotspots, read from what detection stored (hotline.services.hotspots): no segmentation on a request. A
liaison reads the hotspots its department owns; the centre and 效能监察 their district's."""

import datetime as dt

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from yiwang.core.permissions import get_restricted, restrict
from yiwang.org.models import Department

from ..models import Hotspot, HotspotMilestone, WorkOrder

# The hotspot list shows at most this many of one status: the most reported.
LIST_HOTSPOTS = 500


def _rows() -> QuerySet[Hotspot]:
    return Hotspot.objects.select_related("category__parent", "department")


def visible_hotspots(actor) -> QuerySet[Hotspot]:
    """The hotspots the actor may see, with what their labels name."""
    return restrict(_rows(), actor, "hotline_view")


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
        visible_hotspots(actor)
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
    spot = get_restricted(_rows().select_related("region"), actor, "hotline_view", pk=pk)
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
