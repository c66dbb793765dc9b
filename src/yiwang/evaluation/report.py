"""A closed round's report: the rankings of departments and of districts, each subject's points per dimension and
per indicator with what was missing or did not apply, and every evaluator's score — as tables, written out as an
Excel workbook (one sheet per table) and as a PDF in the platform's embedded font (core.pdf)."""

import dataclasses

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from yiwang.core import pdf
from yiwang.core.excel import tables_workbook

from . import selectors
from .models import EvaluationRound, Score
from .scoring import MISSING, NO_DATA

STATE_LABELS = {MISSING: "缺评分", NO_DATA: "无数据（不计）"}


# Landscape A4 less the margins, in millimetres: what the PDF's columns share.
PAGE_WIDTH = 273


@dataclasses.dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: list[list]
    # The PDF's column widths in millimetres, the last column taking what is left.
    widths: list[float] = dataclasses.field(default_factory=list)

    def pdf_widths(self) -> list[float] | None:
        if not self.widths:
            return None
        return [w * mm for w in self.widths] + [(PAGE_WIDTH - sum(self.widths)) * mm]


def _points(value) -> str:
    return "—" if value is None else f"{float(value):.2f}"


def _fraction(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def tables(round_: EvaluationRound) -> list[Sheet]:
    indicators = selectors.indicators(round_)
    dimensions = list(dict.fromkeys(i.dimension for i in indicators))
    subjects = selectors.subjects(round_)
    names = {i.pk: i.name for i in indicators}
    found = []
    for kind, title in (("department", "部门排名"), ("district", "区划排名")):
        of_kind = sorted((s for s in subjects if s.kind == kind), key=lambda s: (s.rank is None, s.rank or 0, s.pk))
        if not of_kind:
            continue
        rows = []
        for s in of_kind:
            by_dimension = s.result.get("dimensions", {})
            rows.append(
                [
                    s.rank or "—",
                    str(s),
                    _points(s.total),
                    *(_points((by_dimension.get(str(d.pk)) or {}).get("earned")) for d in dimensions),
                    "、".join(names[pk] for pk in s.result.get("missing", [])) or "—",
                ]
            )
        headers = [
            "排名",
            "评估对象",
            "总分",
            *(f"{d.name}（{d.weight.normalize():f}）" for d in dimensions),
            "缺评分指标",
        ]
        # Rank, subject and total, then the dimensions, leaving the missing scores' column at least 50 mm.
        per_dimension = min(22, (PAGE_WIDTH - 68 - 50) / max(len(dimensions), 1))
        found.append(Sheet(title, headers, rows, [10, 42, 16, *([per_dimension] * len(dimensions))]))
    detail = []
    for s in subjects:
        lines = s.result.get("lines", {})
        for i in indicators:
            line = lines.get(str(i.pk), {})
            detail.append(
                [
                    str(s),
                    i.dimension.name,
                    i.name,
                    i.get_method_display(),
                    _fraction(line.get("fraction")),
                    _points(line.get("points")),
                    _points(line.get("earned")),
                    STATE_LABELS.get(line.get("state"), ""),
                ]
            )
    found.append(
        Sheet(
            "指标明细",
            ["评估对象", "维度", "指标", "评价方式", "得分率", "分值", "得分", "说明"],
            detail,
            [42, 36, 70, 26, 18, 16, 16],
        )
    )
    scores = (
        Score.objects.filter(subject__round=round_)
        .select_related("evaluator", "indicator", "subject__department__region", "subject__district")
        .order_by("subject_id", "indicator__dimension__position", "indicator__position", "evaluator__username")
    )
    found.append(
        Sheet(
            "评分记录",
            ["评估对象", "指标", "评估人员", "得分", "满分", "评分说明", "佐证材料"],
            [
                [
                    str(score.subject),
                    score.indicator.name,
                    score.evaluator.display_name or score.evaluator.username,
                    _points(score.value),
                    _points(score.indicator.max_score),
                    score.comment,
                    score.evidence_name or "—",
                ]
                for score in scores
            ],
            [42, 55, 35, 14, 14, 80],
        )
    )
    return found


def title_of(round_: EvaluationRound) -> str:
    return f"{round_.name}评估报告"


def subtitle_of(round_: EvaluationRound) -> str:
    closed = timezone.localtime(round_.closed_at).strftime("%Y-%m-%d") if round_.closed_at else "—"
    return (
        f"指标体系：{round_.system.name}；统计周期：{round_.period}；组织区划：{round_.region.name}；结束日期：{closed}"
    )


def report_xlsx(round_: EvaluationRound) -> bytes:
    return tables_workbook((table.title, list(table.headers), table.rows) for table in tables(round_))


def report_pdf(round_: EvaluationRound) -> bytes:
    heading = pdf.paragraph_style("heading", fontSize=16, leading=22, spaceAfter=6)
    section = pdf.paragraph_style("section", fontSize=11, leading=16, spaceBefore=8, spaceAfter=4)
    cell = pdf.paragraph_style("cell", fontSize=7.5, leading=10)
    meta = pdf.paragraph_style("meta", fontSize=8, leading=11, textColor=colors.grey)
    story = [Paragraph(pdf.markup(title_of(round_)), heading), Paragraph(pdf.markup(subtitle_of(round_)), meta)]
    story.append(
        Paragraph(
            pdf.markup(
                "说明：计算指标按平台数据的得分率乘以分值；打分指标按评估人员平均分除以满分乘以分值；"
                "“缺评分”的打分指标计 0 分；“无数据”的计算指标不计入，总分按适用指标的分值折算为满分。"
            ),
            meta,
        )
    )
    for table in tables(round_):
        story.append(Paragraph(pdf.markup(table.title), section))
        rows = [[Paragraph(pdf.markup(str(v)), cell) for v in table.headers]]
        rows += [[Paragraph(pdf.markup(str(v)), cell) for v in row] for row in table.rows]
        if len(rows) == 1:
            rows.append([Paragraph(pdf.markup("—"), cell)] + [""] * (len(table.headers) - 1))
        story += [pdf.grid(rows, table.pdf_widths()), Spacer(1, 2 * mm)]
    return pdf.landscape_report(story, title=title_of(round_), author=round_.region.name)
