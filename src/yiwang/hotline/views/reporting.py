"""每月情况通报: the centre and 效能监察 of a district (hotline_view held region-wide; a department's liaison, who
sees only its own orders, does not see the district's report)."""

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiwang.core.decorators import staff_required
from yiwang.core.errors import ValidationFailed
from yiwang.core.excel import XLSX_TYPE
from yiwang.core.pdf import private_pdf_download
from yiwang.core.permissions import allows
from yiwang.core.storage import private_download
from yiwang.org.models import Region

from .. import report, report_files, selectors, services
from ._common import _errors


def _month(text: str) -> dt.date:
    try:
        month = dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise Http404 from None
    return month


@staff_required
def reports(request):
    """The months with a generated report, and for the centre a form to generate (again) one month's."""
    regions = list(selectors.report_regions(request.user))
    if not regions:
        raise Http404
    snapshots = selectors.report_snapshots(regions)
    operated = [r for r in regions if allows(request.user, "hotline_operate", r)]
    last_month = report.previous_month(timezone.localdate().replace(day=1))
    return render(
        request,
        "hotline/reports.html",
        {
            "snapshots": snapshots,
            "regions": regions,
            "operated": operated,
            "default_month": last_month.strftime("%Y-%m"),
            "tabs": selectors.queue_labels(),
        },
    )


@require_POST
@staff_required
def report_generate(request):
    region = Region.objects.filter(code=request.POST.get("region", ""), level=Region.Level.COUNTY).first()
    if region is None or not allows(request.user, "hotline_operate", region):
        raise Http404
    try:
        month = dt.datetime.strptime(request.POST.get("month", ""), "%Y-%m").date()
    except ValueError:
        messages.error(request, _("请选择月份（年-月）"))
        return redirect("hotline:reports")
    try:
        services.report_generate(actor=request.user, region=region, month=month)
    except ValidationFailed as refused:
        for problems in _errors(refused).values():
            for problem in problems:
                messages.error(request, problem)
        return redirect("hotline:reports")
    messages.success(
        request, _("已生成 %(region)s %(month)s 月度通报") % {"region": region.name, "month": f"{month:%Y-%m}"}
    )
    return redirect("hotline:report", region_code=region.code, month=f"{month:%Y-%m}")


def _report_for(request, region_code: str, month: str):
    return selectors.month_report(request.user, region_code, _month(month))


@staff_required
def report_page(request, region_code, month):
    region, snapshot, found = _report_for(request, region_code, month)
    return render(
        request,
        "hotline/report.html",
        {
            "region": region,
            "snapshot": snapshot,
            "report": found,
            "tables": report.tables(found),
            "charts": report.chart_data(found),
            "operates": allows(request.user, "hotline_operate", region),
            "tabs": selectors.queue_labels(),
        },
    )


@staff_required
def report_xlsx(request, region_code, month):
    _region, _snapshot, found = _report_for(request, region_code, month)
    return private_download(
        report_files.report_xlsx(found), content_type=XLSX_TYPE, filename=f"{report_files.title_of(found)}.xlsx"
    )


@staff_required
def report_pdf(request, region_code, month):
    _region, _snapshot, found = _report_for(request, region_code, month)
    return private_pdf_download(report_files.report_pdf(found), f"{report_files.title_of(found)}.pdf")
