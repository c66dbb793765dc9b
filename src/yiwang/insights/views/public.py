"""政务服务效能公开: every district's and department's indicators for the public, no login. The figures are the
ones the staff's dashboards show (the same selectors, read unrestricted: actor None), never a staff member's or a
window's own."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from yiwang.core.replica import replica_view

from .. import selectors
from ..dashboards import DEPARTMENT_PARTS, REGION_PARTS, build, period_label, public_index
from ..selectors import Scope
from ._common import page, period_choices, period_of, with_period


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
    top, tables, districts = public_index(period=period, link=_links(period))
    return render(
        request,
        "insights/public_index.html",
        {
            "period": period,
            "period_label": period_label(period),
            "choices": period_choices(period),
            "tables": tables,
            "top": top,
            "districts": districts,
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
