"""Reads of the Open311 interface. What it publishes is public by the standard's design (anyone may GET), so it
publishes only what a city would show on a FixMyStreet map: the category, place, description and progress of
complaints, requests for help, suggestions and praise. Never the caller, never a 咨询 (a person's own question),
never a 举报 (the informant is protected), and for an order marked confidential neither its text nor its place."""

import datetime as dt
import uuid

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from yiwang.core.errors import NotFound, ValidationFailed
from yiwang.hotline.models import Assignment, Category, WorkOrder, WorkOrderLog

from .models import Submission

PUBLISHED_KINDS = (WorkOrder.Kind.COMPLAINT, WorkOrder.Kind.HELP, WorkOrder.Kind.SUGGESTION, WorkOrder.Kind.PRAISE)
# GeoReport v2: without dates, the last 90 days; a range may not span more than 90 days.
DEFAULT_SPAN = dt.timedelta(days=90)
MAX_RESULTS = 1000
# How deep paging may go: each page is read by skipping the ones before it, so a client asking for page 10,000
# would have the database walk ten million rows.
MAX_SKIPPED = 100_000
# What an answer shows of a request, read as plain rows: building a thousand WorkOrder instances (every column,
# the stored words included) cost more than the query did.
REQUEST_FIELDS = (
    "number",
    "status",
    "confidential",
    "description",
    "address",
    "latitude",
    "longitude",
    "created_at",
    "reply_due",
    "category__name",
    "category__code",
    "agency",
    "updated",
)


def service_list() -> list[Category]:
    """Every active leaf category, as a service; its parent is the group."""
    return list(
        Category.objects.filter(active=True, children__isnull=True)
        .select_related("parent")
        .order_by("parent__position", "position", "code")
    )


def service(code: str) -> Category:
    found = Category.objects.filter(code=code, active=True, children__isnull=True).select_related("parent").first()
    if found is None:
        raise NotFound(_("没有该服务代码"))
    return found


def _published() -> QuerySet[WorkOrder]:
    lead = Assignment.objects.filter(order=OuterRef("pk"), lead=True).order_by("-dispatched_at", "-pk")
    return WorkOrder.objects.filter(kind__in=PUBLISHED_KINDS).annotate(
        agency=Subquery(lead.values("department__name")[:1]),
        updated=Subquery(WorkOrderLog.objects.filter(order=OuterRef("pk")).order_by("-at", "-pk").values("at")[:1]),
    )


def requests(
    *,
    numbers: list[str] | None = None,
    service_codes: list[str] | None = None,
    statuses: list[str] | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    jurisdiction: str = "",
    page: int = 1,
    page_size: int = MAX_RESULTS,
    now: dt.datetime,
) -> list[dict]:
    """GET requests: newest first, a page of `page_size` (at most MAX_RESULTS, the standard's limit and default);
    `page` and `page_size` are the pagination extension the Open311 wiki lists as the most widely implemented."""
    if not 1 <= page_size <= MAX_RESULTS:
        message = _("page_size 应在 1 到 %(most)s 之间") % {"most": MAX_RESULTS}
        raise ValidationFailed(fields={"page_size": [message]}, subcode="open311_page")
    first = (page - 1) * page_size
    if page < 1 or first > MAX_SKIPPED:
        message = _("page 应为正整数，且不能翻过前 %(most)s 条") % {"most": MAX_SKIPPED}
        raise ValidationFailed(fields={"page": [message]}, subcode="open311_page")
    found = _published()
    if numbers:
        # "This overrides all other arguments" (GeoReport v2, service_request_id).
        found = found.filter(number__in=numbers).order_by("-created_at", "-pk")
        return list(found.values(*REQUEST_FIELDS)[first : first + page_size])
    if start and end and end - start > DEFAULT_SPAN:
        raise ValidationFailed(fields={"end_date": [_("查询时段不能超过 90 天")]}, subcode="open311_span")
    if start and end and end < start:
        raise ValidationFailed(fields={"end_date": [_("结束时间早于开始时间")]}, subcode="open311_span")
    end = end or (start + DEFAULT_SPAN if start else now)
    start = start or end - DEFAULT_SPAN
    found = found.filter(created_at__gte=start, created_at__lte=end)
    if service_codes:
        # The ids first, written into the statement: by code (a join) the planner could not tell the busiest
        # service (six times the average) from the others, chose to sort every order of it in the range, and at a
        # million orders took half a second where walking (category, created_at) newest first stops at the page.
        ids = list(Category.objects.filter(code__in=service_codes).values_list("pk", flat=True))
        found = found.filter(category_id__in=ids)
    if statuses:
        closed = WorkOrder.Status.CLOSED
        if statuses == ["closed"]:
            found = found.filter(status=closed)
        elif statuses == ["open"]:
            found = found.exclude(status=closed)
    if bbox:
        west, south, east, north = bbox
        found = found.filter(
            longitude__gte=west, longitude__lte=east, latitude__gte=south, latitude__lte=north, confidential=False
        )
    if jurisdiction:
        found = found.filter(region__code=jurisdiction)
    return list(found.order_by("-created_at", "-pk").values(*REQUEST_FIELDS)[first : first + page_size])


def request(number: str) -> dict:
    found = _published().filter(number=number).values(*REQUEST_FIELDS).first()
    if found is None:
        raise NotFound(_("没有该诉求编号"))
    return found


def submission(token: str) -> Submission:
    try:
        token = uuid.UUID(token)
    except ValueError:
        raise NotFound(_("没有该令牌")) from None
    found = Submission.objects.select_related("order").filter(token=token).first()
    if found is None:
        raise NotFound(_("没有该令牌"))
    return found
