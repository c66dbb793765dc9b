"""The monthly report as an Excel workbook (one sheet per table, Chinese headers) and as a PDF set in the
platform's embedded font (core.pdf)."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from yiwang.core import pdf

from .report import MonthlyReport, tables


def title_of(report: MonthlyReport) -> str:
    return f"{report.region_name} 12345 热线{report.month} 月度情况通报"


def report_xlsx(report: MonthlyReport) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for table in tables(report):
        sheet = workbook.create_sheet(table.title[:31])
        sheet.append(list(table.headers))
        for cell in sheet[1]:
            cell.font = bold
        for row in table.rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # a name that looks like a formula stays text
        for column, heading in enumerate(table.headers, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = max(
                10, len(heading) * 2 + 4
            )
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_pdf(report: MonthlyReport) -> bytes:
    heading = pdf.paragraph_style("heading", fontSize=16, leading=22, spaceAfter=6)
    section = pdf.paragraph_style("section", fontSize=11, leading=16, spaceBefore=8, spaceAfter=4)
    cell = pdf.paragraph_style("cell", fontSize=7.5, leading=10)
    meta = pdf.paragraph_style("meta", fontSize=8, leading=11, textColor=colors.grey)
    story = [
        Paragraph(pdf.markup(title_of(report)), heading),
        Paragraph(pdf.markup(f"统计口径：{report.month} 月受理的工单，状态截至 {report.data['as_of']}。"), meta),
    ]
    for table in tables(report):
        story.append(Paragraph(pdf.markup(table.title), section))
        rows = [[Paragraph(pdf.markup(str(v)), cell) for v in table.headers]]
        rows += [[Paragraph(pdf.markup(str(v)), cell) for v in row] for row in table.rows]
        if len(rows) == 1:
            rows.append([Paragraph(pdf.markup("—"), cell)] + [""] * (len(table.headers) - 1))
        grid = Table(rows, repeatRows=1)
        grid.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), pdf.embedded_font()),
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        story += [grid, Spacer(1, 2 * mm)]
    buffer = io.BytesIO()
    pdf.document(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title_of(report),
        author=f"{report.region_name} 12345 热线",
    ).build(story)
    return buffer.getvalue()
