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

from . import callback_links, clock, report, routing
from .models import (
    Assignment,
    Category,
    ExtensionRequest,
    FaqEntry,
    MonthlyReportSnapshot,
    ProcessChange,
    Supervision,
    WorkOrder,
    WorkOrderAttachment,
)

CALLER_ORDERS = 10
QUEUE_ROWS = 200
# A page of the centre's queues.
QUEUE_PAGE = 50


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


def queue(actor, key: str, now: dt.datetime | None = None, *, page: int = 1) -> tuple[list[WorkOrder], bool]:
    """One page of a centre's queue (QUEUE_PAGE rows, the most pressing first) and whether another follows. The
    dispatcher works from the top: a page, not the whole queue, is what they read."""
    _label, condition = QUEUES[key]
    rows = restrict(WorkOrder.objects.filter(**condition), actor, "hotline_operate")
    if key == "warning":
        rows = rows.filter(warn_at__lte=now or timezone.now()).order_by("warn_at")
    # Only what a queue row shows: at 200 rows a page, building whole orders (texts, caller, five timestamps) cost
    # more than the query.
    rows = rows.select_related("category__parent").only(*QUEUE_FIELDS)
    start = (max(page, 1) - 1) * QUEUE_PAGE
    found = list(rows[start : start + QUEUE_PAGE + 1])
    more = len(found) > QUEUE_PAGE
    found = found[:QUEUE_PAGE]
    for order in found:
        order.warning = clock.warning(order, now)
        # A list shows the caller's phone masked; the order's own page shows the centre the whole number.
        order.phone_masked = mask_phone(order.caller_phone)
    return found, more


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


def supervisions_of(actor, order: WorkOrder) -> list[Supervision]:
    """The order's 督办 with their answers, for whoever sees the order; `answerable` where the actor's department
    still owes the answer."""
    rows = list(order.supervisions.select_related("department"))
    for row in rows:
        row.order = order
        row.answerable = row.answered_at is None and allows(actor, "hotline_handle", row)
    return rows


def supervision_for(actor, pk: int) -> Supervision:
    """A 督办 the actor's department is to answer; NotFound otherwise."""
    return get_restricted(Supervision.objects.select_related("order"), actor, "hotline_handle", pk=pk)


def open_supervisions(actor) -> list[Supervision]:
    """The 督办 the actor's department has still to answer, the earliest due first."""
    rows = restrict(Supervision.objects.filter(answered_at=None), actor, "hotline_handle")
    return list(rows.select_related("order", "department").order_by("due_on", "pk")[:QUEUE_ROWS])


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


def attachments_of(order: WorkOrder) -> list[WorkOrderAttachment]:
    """The order's files for a staff page (the order already fetched as the viewer may see it), oldest first."""
    return list(order.attachments.select_related("department").order_by("uploaded_at", "pk"))


def attachment_for(actor, number: str, pk: int) -> WorkOrderAttachment:
    """One file of an order the actor may see (hotline_view); NotFound otherwise, as for a missing order."""
    return get_restricted(WorkOrderAttachment.objects.filter(order__number=number), actor, "hotline_view", pk=pk)


def process_changes_of(order: WorkOrder) -> list[ProcessChange]:
    return list(order.process_changes.select_related("department", "attachment", "recorded_by"))


def process_changes(actor) -> list[ProcessChange]:
    """流程整改 the actor may see, grouped by department and newest first within each: a district's for the
    centre and 效能监察, a liaison's own department's."""
    rows = restrict(ProcessChange.objects.all(), actor, "hotline_view")
    return list(
        rows.select_related("department", "order", "attachment", "recorded_by").order_by(
            "department__region__code", "department__kind", "department_id", "-recorded_at", "-pk"
        )
    )
