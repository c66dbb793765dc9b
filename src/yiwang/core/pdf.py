"""The one font every PDF the platform makes is set in, embedded in the file.

reportlab embeds TrueType outlines only (not the CFF of Noto CJK), so the font is WenQuanYi Micro Hei subset to
GB 2312 + ASCII (data/, Apache-2.0; see data/wqy-microhei-LICENSE.txt). A reader without Chinese fonts, a
printer, an archive decades on: the file carries its own glyphs.

GB 2312 lacks some characters of personal and place names (珺, 喆, 堃, 昇 …). Rather than drop a character of a
person's name from a legal document, such characters are set in reportlab's CID font STSong-Light, which every
Chinese-capable reader supplies: the one case where a PDF names a font instead of carrying it.
"""

import io
from functools import cache
from pathlib import Path

from django.http import HttpResponse
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from .storage import private_download

FONT = "WenQuanYiMicroHei"
FONT_FILE = Path(__file__).parent / "data" / "wqy-microhei-gb2312.ttf"
FALLBACK_FONT = "STSong-Light"


@cache
def embedded_font() -> str:
    """Register the embedded font once per process; its name for ParagraphStyle(fontName=…) and setFont()."""
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE)))
    return FONT


def paragraph_style(name: str, **options) -> ParagraphStyle:
    """A ParagraphStyle in the embedded font, bullets included (their default, Helvetica, would not be embedded)."""
    font = embedded_font()
    return ParagraphStyle(name, **{"fontName": font, "bulletFontName": font, **options})


def canvas(*args, **kwargs) -> Canvas:
    """A reportlab Canvas starting in the embedded font: its default, Helvetica, would be named, not embedded."""
    return Canvas(*args, initialFontName=embedded_font(), **kwargs)


def document(*args, **kwargs) -> SimpleDocTemplate:
    """A platypus SimpleDocTemplate whose canvas starts in the embedded font, like canvas()."""
    return SimpleDocTemplate(*args, initialFontName=embedded_font(), **kwargs)


def private_pdf_download(data: bytes, filename: str) -> HttpResponse:
    """A document about one case or person, as a download no shared cache may keep."""
    return private_download(data, content_type="application/pdf", filename=filename)


def a4_notice(story: list, *, title: str, author: str) -> bytes:
    """A notice or decision on A4 with the margins every one of the platform's official documents shares."""
    buffer = io.BytesIO()
    document(
        buffer,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=22 * mm,
        bottomMargin=20 * mm,
        title=title,
        author=author,
    ).build(story)
    return buffer.getvalue()


def landscape_report(story: list, *, title: str, author: str) -> bytes:
    """A report of tables (a monthly 通报, an evaluation's results) on landscape A4 with narrow margins."""
    buffer = io.BytesIO()
    document(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title,
        author=author,
    ).build(story)
    return buffer.getvalue()


def grid(rows: list[list], col_widths=None) -> Table:
    """A report's table: the heading row shaded and repeated on every page, thin grey rules, the embedded font."""
    table = Table(rows, repeatRows=1, colWidths=col_widths)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), embedded_font()),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


@cache
def _fallback_font() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT


def _covered(char: str) -> bool:
    return char in "\n\r\t" or ord(char) in pdfmetrics.getFont(embedded_font()).face.charToGlyph


def missing_characters(text: str) -> set[str]:
    """The characters of `text` the embedded font has no glyph for."""
    return {char for char in str(text) if not _covered(char)}


def runs(text: str) -> list[tuple[str, str]]:
    """`text` cut into (font name, piece): the embedded font, and the fallback only where it has no glyph."""
    pieces: list[tuple[str, str]] = []
    for char in str(text):
        font = embedded_font() if _covered(char) else _fallback_font()
        if pieces and pieces[-1][0] == font:
            pieces[-1] = (font, pieces[-1][1] + char)
        else:
            pieces.append((font, char))
    return pieces


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markup(text) -> str:
    """`text` escaped for a reportlab Paragraph, any character the embedded font lacks wrapped in the fallback."""
    return "".join(
        _escape(piece) if font == FONT else f'<font name="{font}">{_escape(piece)}</font>' for font, piece in runs(text)
    )


def string_width(text: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(piece, font, size) for font, piece in runs(text))


def draw_string(canvas, x: float, y: float, text, size: float, *, centred: bool = False) -> None:
    """canvas.drawString in the embedded font, falling back per character like markup()."""
    text = str(text)
    if centred:
        x -= string_width(text, size) / 2
    for font, piece in runs(text):
        canvas.setFont(font, size)
        canvas.drawString(x, y, piece)
        x += pdfmetrics.stringWidth(piece, font, size)


def facts_table(rows: list[tuple[str, str]], style: ParagraphStyle) -> Table:
    """The two-column table of facts (办件编号, 申请人 …) every notice and decision document opens with."""
    table = Table(
        [[Paragraph(markup(k), style), Paragraph(markup(v), style)] for k, v in rows], colWidths=[38 * mm, 122 * mm]
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), embedded_font()),  # a table's own default, Helvetica, is not embedded
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table
