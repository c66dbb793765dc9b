"""What every dashboard page shares, the staff's and the public's: the period asked for (this local month unless
one is chosen), the periods offered, links that keep the period, and the page's context."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.excel import XLSX_TYPE
from yiwang.core.storage import private_download

from .. import files
from ..dashboards import Dashboard, period_label
from ..periods import Period


def period_of(request) -> Period:
    """?period=2026-11, 2026-Q4 or 2026 (a bad one is refused with the reason); this local month by default."""
    text = request.GET.get("period", "")
    return Period.parse(text) if text else Period.month_of(timezone.localdate())


def _back(period: Period, count: int) -> list[Period]:
    found = [period]
    while len(found) < count:
        found.append(found[-1].previous())
    return found


def period_choices(current: Period) -> list[tuple[str, list[tuple[str, str]]]]:
    """The periods offered, grouped: the last twelve months, five quarters and three years (and the one shown)."""
    today = timezone.localdate()
    groups = [
        (_("月度"), _back(Period.month_of(today), 12)),
        (_("季度"), _back(Period.parse(f"{today.year}-Q{(today.month - 1) // 3 + 1}"), 5)),
        (_("年度"), _back(Period.parse(str(today.year)), 3)),
    ]
    if not any(current in periods for _label, periods in groups):
        groups.insert(0, (_("所选周期"), [current]))
    return [(label, [(str(p), period_label(p)) for p in periods]) for label, periods in groups]


def with_period(url: str, period: Period) -> str:
    return f"{url}?period={period}"


def page(request, template: str, dashboard: Dashboard, *, export: str = "", **context):
    """A dashboard page: the headline, then the trend and each breakdown as a chart (when it has one) over its
    table, each table with its own Excel download when `export` (the page's export address) is given."""
    charted = {"trend", *(chart["key"] for chart in dashboard.charts["bars"])}
    sections = [
        {
            "table": table.brief,
            "chart": table.key in charted,
            "export": f"{export}&table={table.key}" if export else "",
        }
        for table in dashboard.tables
        if table.key != "headline"
    ]
    return render(
        request,
        template,
        {
            "dashboard": dashboard,
            "period_label": period_label(dashboard.period),
            "previous_label": period_label(dashboard.previous),
            "choices": period_choices(dashboard.period),
            "headline": dashboard.table("headline"),
            "sections": sections,
            "export": export,
            **context,
        },
    )


def xlsx(request, dashboard: Dashboard) -> HttpResponse:
    """The dashboard's tables as a workbook, or only ?table=KEY's (one chart's or one table's figures)."""
    only = request.GET.get("table", "")
    table = dashboard.table(only) if only else None
    name = f"{dashboard.title}（{dashboard.period}）{table.title if table else ''}.xlsx"
    return private_download(
        files.workbook(dashboard, table.key if table else ""), content_type=XLSX_TYPE, filename=name
    )
