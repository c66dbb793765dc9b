"""An item's application form as PDF, blank or filled from its 样表, grouped as the online form is.

For applicants who fill in on paper or bring the form to the window. The font is the platform's embedded one
(core.pdf: a TrueType subset, so every reader shows the same characters without a font of its own).
"""

import io

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from yiwang.catalog.forms_schema import DEFAULT_GROUP, conditional_fields
from yiwang.core.pdf import embedded_font, markup

CHECKED, UNCHECKED = "■", "□"
BLANK_ROWS = {True: 18 * mm, False: 4 * mm}  # a long text field gets room to write in


def _styles(font: str) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=15, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=TA_CENTER),
        "sub": ParagraphStyle("sub", parent=body, alignment=TA_CENTER, textColor=colors.HexColor("#555555")),
        "group": ParagraphStyle("group", parent=body, fontSize=12, leading=18, spaceBefore=5 * mm, spaceAfter=2 * mm),
        "body": body,
        "help": ParagraphStyle("help", parent=body, fontSize=8.5, leading=12, textColor=colors.HexColor("#555555")),
    }


def _titles(prop: dict) -> list[tuple]:
    values = prop["items"]["enum"] if prop["type"] == "array" else prop["enum"]
    return list(zip(values, prop.get("enumTitles", values), strict=False))


def _value(prop: dict, value, filled: bool) -> str:
    """The answer cell: the example's value, or for a blank form the choices to tick."""
    if prop["type"] == "boolean":
        choices = [(True, _("是")), (False, _("否"))]
        return "　".join(f"{CHECKED if filled and value is v else UNCHECKED}{t}" for v, t in choices)
    if "enum" in prop or prop["type"] == "array":
        chosen = value if isinstance(value, list) else [value]
        return "　".join(f"{CHECKED if filled and v in chosen else UNCHECKED}{t}" for v, t in _titles(prop))
    return "" if value is None else str(value)


def _condition_text(properties: dict, when: list[tuple[str, list]]) -> str:
    """“主体业态为“餐饮服务”时填写”: when a conditional field concerns the applicant."""
    parts = []
    for field, values in when:
        prop = properties[field]
        names = dict(_titles(prop)) if "enum" in prop else {}
        shown = "、".join(str(names.get(v, v)) for v in values)
        parts.append(_("%(f)s为“%(v)s”时填写") % {"f": prop.get("title", field), "v": shown})
    return "；".join(parts)


def form_pdf(*, item, version, example: bool) -> bytes:
    """The blank form, or (example=True) the 样表 filled from the version's form_example."""
    font = embedded_font()
    styles = _styles(font)
    schema, data = version.form_schema, (version.form_example if example else {})
    required = set(schema.get("required", []))
    shown_when = conditional_fields(schema)
    properties = schema.get("properties", {})
    groups: dict[str, list[str]] = {}
    for name, prop in properties.items():
        groups.setdefault(prop.get("x-group") or str(DEFAULT_GROUP), []).append(name)

    title = _("%(name)s申请表") % {"name": item.name}
    story = [
        Paragraph(markup(title + (_("（样表）") if example else "")), styles["title"]),
        Paragraph(
            markup(_("事项编码 %(code)s · 第 %(n)s 版") % {"code": item.code, "n": version.number}), styles["sub"]
        ),
        Spacer(1, 4 * mm),
    ]
    width = A4[0] - 40 * mm
    for group, names in groups.items():
        story.append(Paragraph(markup(group), styles["group"]))
        rows = []
        for name in names:
            prop = properties[name]
            label = markup(prop.get("title") or name) + (" *" if name in required else "")
            if name in shown_when:
                label += f"<br/><font size=8.5>{markup(_condition_text(properties, shown_when[name]))}</font>"
            cell = [Paragraph(label, styles["body"])]
            if prop.get("description"):
                cell.append(Paragraph(markup(prop["description"]), styles["help"]))
            answer = [Paragraph(markup(_value(prop, data.get(name), example)), styles["body"])]
            if not example:
                answer.append(Spacer(1, BLANK_ROWS[prop.get("maxLength", 0) > 200]))
            rows.append([cell, answer])
        table = Table(rows, colWidths=[width * 0.38, width * 0.62])
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.6, colors.HexColor("#888888")),
                    ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("FONTNAME", (0, 0), (-1, -1), font),  # a table sets its cells' font even for paragraphs
                ]
            )
        )
        story.append(table)
    story += [
        Spacer(1, 8 * mm),
        Paragraph(markup(_("申请人（签字或盖章）：________________    日期：______年____月____日")), styles["body"]),
        Spacer(1, 3 * mm),
        Paragraph(markup(_("带 * 的为必填项。本表也可在一网通办网站在线填写，登记信息自动带入。")), styles["help"]),
    ]

    def stamp(canvas, _doc):
        if example:
            # Marked on every page, so a filled 样表 is never handed in as someone's application.
            canvas.saveState()
            canvas.setFont(font, 60)
            canvas.setFillColor(colors.Color(0.8, 0.1, 0.1, alpha=0.15))
            canvas.translate(A4[0] / 2, A4[1] / 2)
            canvas.rotate(35)
            canvas.drawCentredString(0, 0, _("样表"))
            canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
        initialFontName=font,  # else every page names Helvetica, a font the file does not carry
    )
    doc.build(story, onFirstPage=stamp, onLaterPages=stamp)
    return buffer.getvalue()
