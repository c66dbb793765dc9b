"""政务服务效能公开: every district's and department's indicators for the public, no login. The figures are the
ones the staff's dashboards show (the same selectors, read unrestricted: actor None), never a staff member's or a
window's own."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from yiwang.core.replica import replica_view

from .. import selectors
from ..dashboards import DEPARTMENT_PARTS, REGION_PARTS, Cell, Column, Table, breakdown, build, period_label
from ..indicators import INDICATORS
from ..selectors import Scope
from ._common import page, period_choices, period_of, with_period

# What the index shows of each department; its own page has every indicator.
INDEX_CODES = ("online_rate", "on_time_rate", "satisfaction_rate")


def _links(period):
    def link(by, row):
        if by == "region":
            return with_period(reverse("insights:public_region", args=[row["code"]]), period)
        if by == "department":
            return with_period(reverse("insights:public_department", args=[row["code"]]), period)
        if by == "item":
            return reverse("portal:item", args=[row["code"]])
        return ""

    return link


@replica_view
def index(request):
    """The city and its districts, each with its departments' headline figures for the period."""
    period = period_of(request)
    regions = list(selectors.public_regions().order_by("path"))
    departments = list(selectors.public_departments())
    top = regions[0] if regions else None
    figures = {}
    if top is not None:
        rows = selectors.breakdown(actor=None, scope=Scope(region=top), period=period, by="department")
        figures = {row["id"]: row["indicators"] for row in rows}
    columns = [Column(_("部门")), *(Column(str(INDICATORS[code].label)) for code in INDEX_CODES)]
    link = _links(period)
    tables = []
    for region in regions:
        rows = []
        for d in departments:
            if d.region_id != region.pk:
                continue
            shown = figures.get(d.pk, {})
            rows.append(
                [Cell(d.name, link=link("department", {"code": d.code}))]
                + [Cell(shown.get(code), INDICATORS[code].kind) for code in INDEX_CODES]
            )
        tables.append((region, Table(f"r-{region.code}", region.name, columns, rows)))
    table = None
    if top is not None:
        table, _chart = breakdown(
            actor=None,
            scope=Scope(region=top),
            period=period,
            by="region",
            key="regions",
            title="",
            link=_links(period),
        )
    return render(
        request,
        "insights/public_index.html",
        {
            "period": period,
            "period_label": period_label(period),
            "choices": period_choices(period),
            "tables": tables,
            "top": top,
            "districts": table.brief if table else None,
        },
    )


@replica_view
def region(request, code):
    region = selectors.region_of(actor=None, code=code)
    period = period_of(request)
    dashboard = build(
        actor=None,
        scope=Scope(region=region),
        period=period,
        title=_("%(region)s政务服务效能") % {"region": region.name},
        parts=REGION_PARTS,
        link=_links(period),
    )
    return page(request, "insights/public_dashboard.html", dashboard, region=region)


@replica_view
def department(request, code):
    department = selectors.department_of(actor=None, code=code)
    period = period_of(request)
    dashboard = build(
        actor=None,
        scope=Scope(department_id=department.pk),
        period=period,
        title=_("%(department)s政务服务效能") % {"department": department},
        parts=DEPARTMENT_PARTS,
        link=_links(period),
    )
    return page(request, "insights/public_dashboard.html", dashboard, region=department.region, department=department)
