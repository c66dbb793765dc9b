"""Reads of work orders, restricted to what the actor may see: the centre its district's orders, a department's
liaison the orders sent to their department, 效能监察 their region's. The caller's identity is shaped here for
the viewer, so no page can show a confidential caller to a department."""

import hmac
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from yiwang.core.permissions import allows, get_restricted, restrict
from yiwang.org.models import Department, Region

from .. import callback_links, clock, routing
from ..models import Assignment, Category, WorkOrder

CALLER_ORDERS = 10


@dataclass(frozen=True)
class Caller:
    name: str
    phone: str
    id_number: str  # always masked
    hidden: bool  # 保密: the viewer is a department and the caller asked not to be named


def caller_for(order: WorkOrder, actor) -> Caller:
    """The centre sees who called (the identity number masked); a department sees 保密 for a confidential
    caller, and otherwise the name and phone it needs to follow up."""
    if allows(actor, "hotline_operate", order) or not order.confidential:
        return Caller(order.caller_name, order.caller_phone, order.caller_id_masked, False)
    hidden = _("保密")
    return Caller(hidden, hidden, hidden, True)


def categories() -> QuerySet:
    """The leaves a request is filed under, each with its parent for the label."""
    return Category.objects.filter(active=True, parent__isnull=False).select_related("parent")


def operated_regions(actor) -> QuerySet:
    """The districts whose centre the actor takes calls for."""
    return restrict(Region.objects.filter(level=Region.Level.COUNTY), actor, "hotline_operate")


def public_regions() -> QuerySet:
    return Region.objects.filter(level=Region.Level.COUNTY).order_by("code")


def departments_of(order: WorkOrder) -> QuerySet:
    """The district's departments, then its streets' offices."""
    rows = Department.objects.filter(routing.dispatchable(order)).select_related("region")
    return rows.order_by("region__depth", "kind", "region__code")


def proposed_department(order: WorkOrder) -> Department | None:
    """The department the routing rules propose at dispatch (hotline.routing): two queries."""
    return routing.proposed_department(order)


def order_for(actor, number: str, action: str = "hotline_view") -> WorkOrder:
    """One order the actor may see, with its caller shaped for them; NotFound otherwise."""
    order = get_restricted(
        WorkOrder.objects.select_related("region", "category__parent").prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("department").order_by("-lead", "pk"))
        ),
        actor,
        action,
        number=number,
    )
    order.caller = caller_for(order, actor)
    order.warning = clock.warning(order)
    return order


def caller_history(actor, phone: str) -> list[WorkOrder]:
    """The caller's earlier orders, at a glance while the call is on."""
    phone = (phone or "").strip().replace(" ", "")
    if not phone:
        return []
    rows = restrict(WorkOrder.objects.filter(caller_phone=phone), actor, "hotline_operate")
    return list(rows.select_related("category__parent")[:CALLER_ORDERS])


def staff_timeline(order: WorkOrder) -> list:
    return list(order.log.all())


def caller_timeline(order: WorkOrder) -> list[dict]:
    """The steps the caller may read, in their words: no staff names, no internal notes."""
    rows = []
    for entry in order.log.order_by("at", "pk"):
        if entry.step.caller_sees:
            rows.append({"at": entry.at, "label": entry.step.caller_label})
    return rows


def order_by_query_code(number: str, query_code: str) -> WorkOrder | None:
    """The order the pair opens, or None for any mismatch: a wrong code answers as an unknown number does."""
    number, query_code = (number or "").strip(), (query_code or "").strip()
    if not number or not query_code:
        return None
    order = WorkOrder.objects.select_related("category__parent").filter(number=number).first()
    if order is None or not hmac.compare_digest(order.query_code.encode(), query_code.encode()):
        return None
    return order


def order_by_callback_link(token: str) -> WorkOrder | None:
    """The order an SMS callback link (callback_links) may still answer: genuine, not too old, and of the reply
    that waits for its callback now; None otherwise."""
    found = callback_links.read(token)
    if found is None:
        return None
    order = (
        WorkOrder.objects.select_related("category__parent")
        .filter(pk=found[0], status=WorkOrder.Status.REPLIED, reopened_count=found[1])
        .first()
    )
    if order is None:
        return None
    order.lead_reply = order.assignments.select_related("department").filter(lead=True).first()
    return order


def grid_reports(actor, *, limit: int = 50) -> list[WorkOrder]:
    """The grid worker's own reports, newest first, with where they stand."""
    return list(
        WorkOrder.objects.filter(channel=WorkOrder.Channel.GRID, created_by=actor)
        .select_related("category")
        .order_by("-created_at")[:limit]
    )
