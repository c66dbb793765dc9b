"""The monthly report as an Excel workbook (one sheet per table, Chinese headers) and as a PDF set in the
platform's embedded font (core.pdf)."""

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from yiwang.core import pdf
from yiwang.core.excel import tables_workbook

from .report import MonthlyReport, tables


def title_of(report: MonthlyReport) -> str:
    return f"{report.region_name} 12345 热线{report.month} 月度情况通报"


def report_xlsx(report: MonthlyReport) -> bytes:
    return tables_workbook((table.title, list(table.headers), table.rows) for table in tables(report))


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
        story += [pdf.grid(rows), Spacer(1, 2 * mm)]
    return pdf.landscape_report(story, title=title_of(report), author=f"{report.region_name} 12345 热线")
