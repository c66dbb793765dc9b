"""效能看板 on the staff site: a leader's overview of their region, drilling down region → department → item →
the item's cases. Every figure is read through the insights selectors restricted to insights_view, so a
department's 负责人 sees their department and a district's 效能监察 their district; anything out of reach is the
same 404 as a missing one."""

import datetime as dt
from functools import wraps

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.decorators import staff_required
from yiwang.core.errors import NotFound
from yiwang.core.permissions import can_do
from yiwang.core.plans import custom_plans
from yiwang.org.models import Region
from yiwang.publicity.selectors import publication_timeliness

from .. import selectors
from ..dashboards import DEPARTMENT_PARTS, DISTRICT_PARTS, REGION_PARTS, build, period_label
from ..periods import Period
from ..selectors import Scope
from ._common import page, period_choices, period_of, with_period

CASES_PER_PAGE = 50


def reader_required(view):
    """The staff site's login and staff check, then insights_view held somewhere (else the 404 of a missing page).
    The page's reads are planned for their values (core.plans): prepared after a few calls, a figure's statement
    would otherwise get PostgreSQL's generic plan, blind to restrict()'s region prefix, which read a year of a
    department once per region of its district (measured at ten million cases: 806 ms against 11 ms)."""

    @staff_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_do(request.user, "insights_view"):
            raise NotFound()
        with custom_plans():
            return view(request, *args, **kwargs)

    return wrapper


def _links(period, department=None):
    """A breakdown row's page on the staff site, keeping the period."""

    def link(by, row):
        if by == "region":
            return with_period(reverse("insights:region", args=[row["code"]]), period)
        if by == "department":
            return with_period(reverse("insights:department", args=[row["code"]]), period)
        if by == "item" and department is not None:
            return with_period(reverse("insights:item", args=[department.code, row["code"]]), period)
        return ""

    return link


def region_board(actor, region: Region, period):
    # A district's page breaks down by its halls, windows and staff too; a city's by its districts and departments.
    district = region.level in (Region.Level.COUNTY, Region.Level.TOWN)
    return build(
        actor=actor,
        scope=Scope(region=region),
        period=period,
        title=_("%(region)s效能看板") % {"region": region.name},
        parts=DISTRICT_PARTS if district else REGION_PARTS,
        link=_links(period),
    )


def department_board(actor, code: str, period):
    department = selectors.department_of(actor=actor, code=code)
    dashboard = build(
        actor=actor,
        scope=Scope(department_id=department.pk),
        period=period,
        title=_("%(department)s效能看板") % {"department": department},
        parts=DEPARTMENT_PARTS,
        link=_links(period, department),
    )
    return department, dashboard


def item_board(actor, code: str, item_code: str, period):
    department = selectors.department_of(actor=actor, code=code)
    item = selectors.item_of(department=department, code=item_code)
    dashboard = build(
        actor=actor,
        scope=Scope(department_id=department.pk, item_id=item.pk),
        period=period,
        title=_("%(department)s · %(item)s") % {"department": department, "item": item.name},
    )
    return department, item, dashboard


def _region_page(request, region: Region):
    dashboard = region_board(request.user, region, period_of(request))
    return page(
        request,
        "insights/region.html",
        dashboard,
        export=with_period(reverse("insights:region_export", args=[region.code]), dashboard.period),
        region=region,
        crumbs=_crumbs(request, region),
    )


def _crumbs(request, region: Region, *, including: bool = False) -> list[Region]:
    """The region's ancestors (and the region itself, `including`) that the actor reads whole, from the widest
    down: where the crumbs lead back to. A 负责人, who reads only their department, has none."""
    home = selectors.home_region(actor=request.user)
    if home is None:
        return []
    chain = region.ancestors_and_self().order_by("depth")
    return [r for r in chain if r.path.startswith(home.path) and (including or r != region)]


@reader_required
def overview(request):
    """The actor's widest region; for a department's 负责人, who reads only their department, its page."""
    region = selectors.home_region(actor=request.user)
    if region is not None:
        return _region_page(request, region)
    department = selectors.home_department(actor=request.user)
    if department is None:
        raise NotFound()
    return _department_page(request, department.code)


@reader_required
def region(request, code):
    return _region_page(request, selectors.region_of(actor=request.user, code=code))


@reader_required
def department(request, code):
    return _department_page(request, code)


def _department_page(request, code):
    department, dashboard = department_board(request.user, code, period_of(request))
    period = dashboard.period
    # The monthly report of the month shown, or of the period's last month so far.
    month = Period.month_of(min(period.end - dt.timedelta(days=1), timezone.localdate()))
    return page(
        request,
        "insights/department.html",
        dashboard,
        export=with_period(reverse("insights:department_export", args=[code]), period),
        department=department,
        crumbs=_crumbs(request, department.region, including=True),
        report_month=str(month),
        report_label=period_label(month),
    )


@reader_required
def item(request, code, item_code):
    department, item, dashboard = item_board(request.user, code, item_code, period_of(request))
    period = dashboard.period
    return page(
        request,
        "insights/item.html",
        dashboard,
        export=with_period(reverse("insights:item_export", args=[code, item_code]), period),
        department=department,
        item=item,
        crumbs=_crumbs(request, department.region, including=True),
        cases_url=with_period(reverse("insights:cases", args=[code, item_code]), period),
    )


@reader_required
def cases(request, code, item_code):
    """The cases behind an item's figures in the period, each opening the staff's case page."""
    department = selectors.department_of(actor=request.user, code=code)
    item = selectors.item_of(department=department, code=item_code)
    period = period_of(request)
    found = selectors.case_list(
        actor=request.user, scope=Scope(department_id=department.pk, item_id=item.pk), period=period
    )
    return render(
        request,
        "insights/cases.html",
        {
            "department": department,
            "item": item,
            "period": period,
            "period_label": period_label(period),
            "cases": Paginator(found, CASES_PER_PAGE).get_page(request.GET.get("page")),
            "item_url": with_period(reverse("insights:item", args=[code, item_code]), period),
        },
    )


@reader_required
def publications(request):
    """双公示时效: how many of each department's licence and penalty decisions of the period went online after their
    7 working days, and which; 效能监察 presses the department on them."""
    period = period_of(request)
    table, late = publication_timeliness(actor=request.user, start=period.start, end=period.end)
    return render(
        request,
        "insights/publications.html",
        {
            "period": period,
            "period_label": period_label(period),
            "choices": period_choices(period),
            "table": table,
            "late": Paginator(late, CASES_PER_PAGE).get_page(request.GET.get("page")),
        },
    )
