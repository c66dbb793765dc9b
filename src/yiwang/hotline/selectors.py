"""Reads of work orders, restricted to what the actor may see: the centre its district's orders, a department's
liaison the orders sent to their department, 效能监察 their region's. The caller's identity is shaped here for
the viewer, so no page can show a confidential caller to a department."""

import datetime as dt
import hmac
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiwang.accounts.identifiers import mask_phone
from yiwang.catalog.search import search as catalog_search
from yiwang.catalog.search import words
from yiwang.core.errors import NotFound
from yiwang.core.permissions import allows, get_restricted, restrict, restrict_region_wide
from yiwang.org.models import Department, Region

from . import clock, report
from .models import Assignment, Category, ExtensionRequest, FaqEntry, MonthlyReportSnapshot, WorkOrder

CALLER_ORDERS = 10
QUEUE_ROWS = 200


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
    return Department.objects.filter(region_id=order.region_id).select_related("region").order_by("kind")


def proposed_department(order: WorkOrder) -> Department | None:
    """The district's department of the kind the order's category names, proposed at dispatch."""
    kind = order.category.department_kind or (order.category.parent.department_kind if order.category.parent else "")
    return Department.objects.filter(region_id=order.region_id, kind=kind).first()


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


# The centre's queues: key -> (label, which orders).
QUEUES = {
    "pending": (gettext_lazy("待派单"), {"status": WorkOrder.Status.RECEIVED}),
    "returned": (gettext_lazy("退单待处理"), {"status": WorkOrder.Status.RETURNED}),
    "callback": (gettext_lazy("待回访"), {"status": WorkOrder.Status.REPLIED}),
    "warning": (gettext_lazy("预警/超期"), {"status__in": WorkOrder.OPEN_STATES}),
    # A subquery, compiled afresh into each queue's statement: orders whose department asks for more time.
    "extensions": (
        gettext_lazy("待审延期"),
        {"pk__in": ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING).values("assignment__order")},
    ),
}


QUEUE_FIELDS = (
    "number",
    "title",
    "caller_phone",
    "status",
    "returned_count",
    "sign_due",
    "reply_due",
    "warn_at",
    "category__name",
    "category__parent__name",
)


def queue(actor, key: str, now: dt.datetime | None = None) -> list[WorkOrder]:
    _label, condition = QUEUES[key]
    rows = restrict(WorkOrder.objects.filter(**condition), actor, "hotline_operate")
    if key == "warning":
        rows = rows.filter(warn_at__lte=now or timezone.now()).order_by("warn_at")
    # Only what a queue row shows: at 200 rows a page, building whole orders (texts, caller, five timestamps) cost
    # more than the query.
    rows = rows.select_related("category__parent").only(*QUEUE_FIELDS)
    found = list(rows[:QUEUE_ROWS])
    for order in found:
        order.warning = clock.warning(order, now)
        # A list shows the caller's phone masked; the order's own page shows the centre the whole number.
        order.phone_masked = mask_phone(order.caller_phone)
    return found


def queue_labels() -> list[tuple[str, str, None]]:
    """The queue tabs without their counts, for the pages that do not count them."""
    return [(key, label, None) for key, (label, _condition) in QUEUES.items()]


def queue_tabs(actor, now: dt.datetime | None = None) -> list[tuple[str, str, int]]:
    """Each queue's key, label and how many orders wait in it, for the operator's screen."""
    tabs = []
    for key, (label, condition) in QUEUES.items():
        rows = restrict(WorkOrder.objects.filter(**condition), actor, "hotline_operate")
        if key == "warning":
            rows = rows.filter(warn_at__lte=now or timezone.now())
        tabs.append((key, label, rows.count()))
    return tabs


def inbox(actor) -> dict[str, list[Assignment]]:
    """A department's parts in orders, by stage: to sign (soonest limit first), in hand (soonest reply limit
    first), answered (latest first). No caller identity is read here."""
    rows = restrict(Assignment.objects.all(), actor, "hotline_handle").select_related(
        "department", "order__category__parent"
    )
    stages = {
        Assignment.Status.DISPATCHED: ("sign_due", "pk"),
        Assignment.Status.SIGNED: ("reply_due", "pk"),
        Assignment.Status.REPLIED: ("-replied_at", "-pk"),
    }
    now = timezone.now()
    found: dict[str, list[Assignment]] = {}
    for status, order_by in stages.items():
        found[status] = list(rows.filter(status=status).order_by(*order_by)[:QUEUE_ROWS])
        for row in found[status]:
            row.order.warning = clock.warning(row.order, now)
    return found


def own_assignment(actor, order: WorkOrder) -> Assignment | None:
    """The actor's department's live part in the order, if any: what the department page's forms act on."""
    rows = restrict(
        Assignment.objects.filter(order=order, status__in=Assignment.ACTIVE_STATES), actor, "hotline_handle"
    )
    return rows.select_related("department").order_by("-lead", "pk").first()


def pending_extensions(order: WorkOrder) -> list[ExtensionRequest]:
    return list(
        ExtensionRequest.objects.filter(assignment__order=order, status=ExtensionRequest.Status.PENDING)
        .select_related("assignment__department")
        .order_by("pk")
    )


def extension_for(actor, pk: int) -> ExtensionRequest:
    return get_restricted(ExtensionRequest.objects.select_related("assignment__order"), actor, "hotline_operate", pk=pk)


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


@dataclass(frozen=True)
class Guide:
    code: str
    title: str


def knowledge_search(query: str, *, limit: int = 5) -> tuple[list[FaqEntry], list[Guide]]:
    """Answers for a 咨询: knowledge-base entries whose words meet the question's (the catalog's colloquial
    tokenizer, so "停水了咋办" meets "停水"), and the catalog items whose guides the search finds."""
    asked = set(words(query))
    if not asked:
        return [], []
    scored = []
    for entry in FaqEntry.objects.filter(active=True).select_related("category"):
        known = set(words(f"{entry.question} {entry.keywords}"))
        overlap = len(asked & known)
        if overlap:
            scored.append((-overlap, entry.pk, entry))
    faq = [entry for *_rank, entry in sorted(scored)[:limit]]
    guides = [Guide(hit.code, hit.title) for hit in catalog_search(query, limit=limit) if hit.kind == "item"]
    return faq, guides


def grid_reports(actor, *, limit: int = 50) -> list[WorkOrder]:
    """The grid worker's own reports, newest first, with where they stand."""
    return list(
        WorkOrder.objects.filter(channel=WorkOrder.Channel.GRID, created_by=actor)
        .select_related("category")
        .order_by("-created_at")[:limit]
    )


def report_regions(actor) -> QuerySet[Region]:
    """The districts whose monthly reports the actor reads: the centre's and 效能监察's, not a liaison's."""
    regions = restrict_region_wide(Region.objects.filter(level=Region.Level.COUNTY), actor, "hotline_view")
    return regions.order_by("code")


def report_snapshots(regions) -> QuerySet[MonthlyReportSnapshot]:
    return (
        MonthlyReportSnapshot.objects.filter(region__in=regions)
        .select_related("region", "generated_by")
        .defer("data")
        .order_by("-month", "region__code")
    )


def month_report(actor, region_code: str, month: dt.date):
    """(district, snapshot or None, report) for a month: the stored snapshot, or (none generated yet) the report
    computed now and not stored; NotFound for a district the actor may not read."""
    region = report_regions(actor).filter(code=region_code).first()
    if region is None:
        raise NotFound()
    snapshot = MonthlyReportSnapshot.objects.filter(region=region, month=month).select_related("generated_by").first()
    if snapshot is not None:
        return region, snapshot, report.MonthlyReport.from_json(snapshot.data)
    return region, None, report.monthly_report(region=region, month=month, actor=actor)
