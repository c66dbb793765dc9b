"""The licence as a PDF: the platform's embedded font (core.pdf) and a QR code that opens the public
verification page at the platform's public address (YIWANG_PUBLIC_URL)."""

import io

import qrcode
from django.utils.translation import gettext as _
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm

from yiwang.core.pdf import canvas, draw_string

from .models import Licence
from .selectors import public_view, verify_link

RED = HexColor("#b71c1c")


def _qr(c, url: str, x: float, y: float, size: float) -> None:
    """The code's dark modules as filled squares (reportlab's QR widget would name Helvetica, unembedded)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    cell = size / len(matrix)
    c.setFillColorRGB(0, 0, 0)
    for row, modules in enumerate(matrix):
        for column, dark in enumerate(modules):
            if dark:
                c.rect(x + column * cell, y + size - (row + 1) * cell, cell, cell, stroke=0, fill=1)


def _details(data: dict) -> list[str]:
    details = data.get("details") or {}
    return [f"{key}：{value}" for key, value in details.items()]


def licence_pdf(licence: Licence) -> bytes:
    view = public_view(licence)
    buffer = io.BytesIO()
    width, height = landscape(A4)
    c = canvas(buffer, pagesize=(width, height))
    c.setTitle(f"{view['type']} {view['number']}")
    c.setStrokeColor(RED)
    c.setLineWidth(3)
    c.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    c.setFillColor(RED)
    draw_string(c, width / 2, height - 40 * mm, view["type"], 30, centred=True)
    c.setFillColorRGB(0, 0, 0)
    draw_string(c, 25 * mm, height - 52 * mm, _("编号：%(n)s") % {"n": view["number"]}, 11)
    rows = [
        (_("名称/持证人"), view["holder_name"]),
        (_("统一社会信用代码") if licence.holder_entity_id else _("公民身份号码"), view["holder_code"]),
        (_("发证机关"), view["department"]),
        (_("发证日期"), view["issued_on"].isoformat()),
        (_("有效期至"), view["valid_until"].isoformat() if view["valid_until"] else _("长期")),
    ]
    rows += [("", line) for line in _details(licence.data)]
    y = height - 70 * mm
    for label, value in rows:
        if label:
            draw_string(c, 25 * mm, y, f"{label}：", 13)
        draw_string(c, 70 * mm, y, value, 13)
        y -= 10 * mm
    draw_string(c, 25 * mm, 20 * mm, _("SM3 摘要：%(d)s") % {"d": view["digest"]}, 8)
    draw_string(c, 25 * mm, 16 * mm, _("本证照由发证机关以 SM2 电子印章签署，扫描右侧二维码核验真伪与状态。"), 8)
    _qr(c, verify_link(licence), width - 70 * mm, 22 * mm, 45 * mm)
    draw_string(c, width - 47.5 * mm, 18 * mm, _("扫码核验"), 9, centred=True)
    c.showPage()
    c.save()
    return buffer.getvalue()
