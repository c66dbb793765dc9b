"""The dashboards' downloads: each page's tables (or one of them, ?table=KEY) as Excel, and a department's monthly
report (部门效能月报) as a PDF. Each reads the same restricted figures its page shows."""

from yiwang.core.errors import NotFound
from yiwang.core.pdf import private_pdf_download

from .. import files, selectors
from ..periods import Period
from ._common import period_of, xlsx
from .dashboard import department_board, item_board, reader_required, region_board


@reader_required
def region_export(request, code):
    region = selectors.region_of(actor=request.user, code=code)
    return xlsx(request, region_board(request.user, region, period_of(request)))


@reader_required
def department_export(request, code):
    _department, dashboard = department_board(request.user, code, period_of(request))
    return xlsx(request, dashboard)


@reader_required
def item_export(request, code, item_code):
    _department, _item, dashboard = item_board(request.user, code, item_code, period_of(request))
    return xlsx(request, dashboard)


@reader_required
def department_report(request, code, month):
    """部门效能月报 of one month (2026-11): its indicators with 环比 and its items."""
    period = Period.parse(month)
    if period.kind != "month":
        raise NotFound()
    department, dashboard = department_board(request.user, code, period)
    title = files.monthly_report_title(department, dashboard)
    return private_pdf_download(files.monthly_report(department, dashboard), f"{title}.pdf")
