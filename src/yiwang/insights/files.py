"""A dashboard's tables as an Excel workbook (one sheet a table, Chinese headings, rates as percentages that stay
numbers), the text a cell reads as on a page or in a PDF, and a department's monthly report (部门效能月报) as a PDF
set in the platform's embedded font."""

import datetime as dt
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from yiwang.core import pdf

from .dashboards import Cell, Dashboard

# How each kind of cell is formatted in Excel: the value stays a number, the format shows it as people read it.
NUMBER_FORMATS = {
    "rate": "0.00%",
    "average": "0.00",
    "count": "0",
    "points": '+0.00"个百分点";-0.00"个百分点";0.00"个百分点"',
    "change": "+0.00%;-0.00%;0.00%",
}


def text(cell: Cell) -> str:
    """The cell as a page or a PDF shows it; a rate with no denominator (no case to measure) is "—", not 0%."""
    value, kind = cell.value, cell.kind
    if kind == "text":
        return "" if value is None else str(value)
    if value is None:
        return "—"
    if kind == "rate":
        return f"{value * 100:.2f}%"
    if kind == "average":
        return f"{value:.2f}"
    if kind == "points":
        return _("%(v)s 个百分点") % {"v": f"{value * 100:+.2f}"}
    if kind == "change":
        return f"{value * 100:+.2f}%"
    return f"{value:g}" if isinstance(value, float) else str(value)


def workbook(dashboard: Dashboard, only: str = "") -> bytes:
    """Every table of the dashboard, or the one keyed `only`, a sheet each."""
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for table in dashboard.tables:
        if only and table.key != only:
            continue
        sheet = book.create_sheet(table.title[:31])
        sheet.append([column.label for column in table.columns])
        for cell in sheet[1]:
            cell.font = bold
        for row in table.rows:
            sheet.append([cell.value for cell in row])
            for written, cell in zip(sheet[sheet.max_row], row, strict=True):
                if cell.kind == "text":
                    written.data_type = "s"  # a name that looks like a formula stays text, never runs in Excel
                elif cell.value is not None:
                    written.number_format = NUMBER_FORMATS[cell.kind]
        for n, column in enumerate(table.columns, start=1):
            width = max([len(column.label) * 2 + 2] + [len(text(row[n - 1])) + 2 for row in table.rows[:200]])
            sheet.column_dimensions[sheet.cell(row=1, column=n).column_letter].width = min(max(width, 10), 48)
        sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def monthly_report_title(department, dashboard: Dashboard) -> str:
    start = dashboard.period.start
    return _("%(department)s部门效能月报（%(year)d年%(month)d月）") % {
        "department": department,
        "year": start.year,
        "month": start.month,
    }


def monthly_report(department, dashboard: Dashboard) -> bytes:
    """部门效能月报: the month's indicators with 环比, then its items, on landscape A4."""
    title = monthly_report_title(department, dashboard)
    heading = pdf.paragraph_style("heading", fontSize=16, leading=22, spaceAfter=6)
    section = pdf.paragraph_style("section", fontSize=11, leading=16, spaceBefore=8, spaceAfter=4)
    cell = pdf.paragraph_style("cell", fontSize=8, leading=10.5)
    number = pdf.paragraph_style("number", parent=cell, alignment=TA_RIGHT)
    meta = pdf.paragraph_style("meta", fontSize=8, leading=11, textColor=colors.grey)
    story = [
        Paragraph(pdf.markup(title), heading),
        Paragraph(
            pdf.markup(
                _(
                    "统计口径：%(start)s 至 %(end)s（北京时间）。申报类指标按材料接收日、受理类按受理日、办结类按办结日、"
                    "评价按评价日计入；环比与上月（%(previous)s）比较，比率以百分点计；分母为 0 的比率记为“—”。"
                )
                % {
                    "start": dashboard.period.start,
                    "end": dashboard.period.end - dt.timedelta(days=1),
                    "previous": dashboard.previous,
                }
            ),
            meta,
        ),
    ]
    for key in ("headline", "items"):
        table = dashboard.table(key)
        if table is None:
            continue
        if key == "items":
            table = table.brief
        story.append(Paragraph(pdf.markup(table.title), section))
        rows = [[Paragraph(pdf.markup(column.label), cell) for column in table.columns]]
        rows += [
            [Paragraph(pdf.markup(text(c)), cell if c.kind == "text" else number) for c in row] for row in table.rows
        ]
        if len(rows) == 1:
            rows.append([Paragraph(pdf.markup(_("本月无办件")), cell)] + [""] * (len(table.columns) - 1))
        story += [pdf.grid(rows), Spacer(1, 2 * mm)]
    return pdf.landscape_report(story, title=title, author=str(department))
