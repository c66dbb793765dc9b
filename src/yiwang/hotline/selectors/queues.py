"""The centre's queues and a department's inbox: what waits for whom, the most pressing first."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy

from yiwang.accounts.identifiers import mask_phone
from yiwang.core.permissions import restrict
from yiwang.core.plans import custom_plans

from .. import clock
from ..models import Assignment, ExtensionRequest, Supervision, WorkOrder

QUEUE_ROWS = 200
# A page of the centre's queues.
QUEUE_PAGE = 50


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
    # A statement the dispatcher's screen runs again and again: planned for its values each time (core.plans).
    with custom_plans():
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


def open_supervisions(actor) -> list[Supervision]:
    """The 督办 the actor's department has still to answer, the earliest due first."""
    rows = restrict(Supervision.objects.filter(answered_at=None), actor, "hotline_handle")
    return list(rows.select_related("order", "department").order_by("due_on", "pk")[:QUEUE_ROWS])
