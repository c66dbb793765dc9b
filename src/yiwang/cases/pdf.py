"""The decision document (准予/不予行政许可决定书, 行政许可法第三十八条) as a PDF, delivered with the result.

It embeds the same TrueType CJK font as the licence (core.pdf), so it reads the same on any device, with
or without Chinese fonts installed.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from yiwang.core.errors import InvalidTransition
from yiwang.core.pdf import a4_notice, embedded_font, facts_table, markup

from .models import Case, Suspension
from .services import REMEDIES


def _date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"


def _styles(font: str) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=font, fontSize=12, leading=21, firstLineIndent=24, wordWrap="CJK")
    plain = ParagraphStyle("plain", parent=body, firstLineIndent=0)
    return {
        "organ": ParagraphStyle("organ", fontName=font, fontSize=15, leading=22, alignment=TA_CENTER),
        "title": ParagraphStyle(
            "title", fontName=font, fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=4 * mm
        ),
        "number": ParagraphStyle("number", fontName=font, fontSize=10.5, leading=16, alignment=TA_RIGHT),
        "body": body,
        "plain": plain,
        "point": ParagraphStyle("point", parent=plain, leftIndent=18, firstLineIndent=-18, spaceBefore=2),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=11, leading=16, wordWrap="CJK"),
        "sign": ParagraphStyle("sign", parent=plain, alignment=TA_RIGHT, spaceBefore=10 * mm),
        "small": ParagraphStyle("small", parent=plain, fontSize=9.5, leading=15, textColor=colors.HexColor("#444444")),
    }


def decision_title(case: Case) -> str:
    return _("准予行政许可决定书") if case.granted else _("不予行政许可决定书")


def decision_pdf(case: Case, *, licence_number: str = "") -> bytes:
    """The decision document of a decided case; a case not decided yet has none."""
    if case.decided_at is None:
        raise InvalidTransition(_("该办件尚未作出决定"))
    s = _styles(embedded_font())
    decided_on = timezone.localdate(case.decided_at)
    applicant = case.applicant
    opening = _("你（单位）于%(day)s提出的《%(item)s》申请（办件编号 %(n)s），本机关已于%(acc)s依法受理。") % {
        "day": _date(case.received_on),
        "item": case.item.name,
        "n": case.number,
        "acc": _date(case.accepted_on),
    }
    story = [
        Paragraph(markup(case.department), s["organ"]),
        Paragraph(markup(decision_title(case)), s["title"]),
        Paragraph(markup(_("编号：%(n)s") % {"n": case.number}), s["number"]),
        Spacer(1, 3 * mm),
        Paragraph(markup(_("%(who)s：") % {"who": applicant.name}), s["plain"]),
        Spacer(1, 2 * mm),
    ]
    if case.granted:
        story.append(
            Paragraph(
                markup(
                    opening
                    + _(
                        "经审查，你（单位）的申请符合法定条件、标准，根据《中华人民共和国行政许可法》第三十八条第一款的规定，"
                        "本机关决定准予行政许可。"
                    )
                ),
                s["body"],
            )
        )
        rows = [(_("许可事项"), case.item.name), (_("被许可人"), applicant.name)]
        rows += [(str(k), str(v)) for k, v in (case.result_data or {}).items()]
        if licence_number:
            rows.append((_("电子证照编号"), licence_number))
        if case.decision_reasons:
            rows.append((_("说明"), case.decision_reasons))
        story += [Spacer(1, 3 * mm), facts_table(rows, s["cell"])]
    else:
        story.append(
            Paragraph(
                markup(
                    opening
                    + _(
                        "经审查，你（单位）的申请不符合法定条件、标准，根据《中华人民共和国行政许可法》第三十八条第二款的规定，"
                        "本机关决定不予行政许可。理由如下："
                    )
                ),
                s["body"],
            )
        )
        # The service appends the remedies to every refusal's reasons; the document gives them their own paragraph.
        lines = [line.strip() for line in case.decision_reasons.splitlines() if line.strip() not in ("", REMEDIES)]
        story += [
            Spacer(1, 2 * mm),
            *[Paragraph(markup(f"{i}. {t}"), s["point"]) for i, t in enumerate(lines, 1)],
            Spacer(1, 3 * mm),
            Paragraph(markup(REMEDIES), s["body"]),
        ]
    story += [
        Paragraph(
            markup(case.department) + "<br/>" + markup(_("（行政许可专用章）")) + "<br/>" + _date(decided_on), s["sign"]
        ),
        Spacer(1, 8 * mm),
        Paragraph(
            markup(
                _(
                    "送达方式：%(m)s。本决定书依照《中华人民共和国行政许可法》第四十四条，自作出决定之日起十个工作日内送达。"
                )
                % {"m": case.get_delivery_method_display()}
            ),
            s["small"],
        ),
    ]
    return a4_notice(story, title=f"{decision_title(case)} {case.number}", author=str(case.department))


def suspension_notice_pdf(suspension: Suspension) -> bytes:
    """第四十五条第二句: the applicant is told in writing the time a special procedure needs; this is that notice."""
    case = suspension.case
    s = _styles(embedded_font())
    title = _("行政许可特别程序告知书")
    body = _(
        "你（单位）于%(day)s提出的《%(item)s》申请（办件编号 %(n)s），本机关已于%(acc)s依法受理。经审查，本机关依法需要进行"
        "%(reason)s。根据《中华人民共和国行政许可法》第四十五条的规定，%(reason)s所需时间不计算在行政许可办理期限内。"
        "现将所需时间书面告知如下："
    ) % {
        "day": _date(case.received_on),
        "item": case.item.name,
        "n": case.number,
        "acc": _date(case.accepted_on),
        "reason": suspension.get_reason_display(),
    }
    rows = [
        (_("特别程序"), suspension.get_reason_display()),
        (_("法律依据"), _("《中华人民共和国行政许可法》第四十五条")),
        (_("开始日期"), _date(suspension.started_on)),
        (
            _("预计所需时间"),
            ngettext("%(n)d 个工作日", "%(n)d 个工作日", suspension.expected_days or 0)
            % {"n": suspension.expected_days or 0},
        ),
        (_("预计结束日期"), _date(suspension.expected_end_on)),
    ]
    if suspension.note:
        rows.append((_("说明"), suspension.note))
    story = [
        Paragraph(markup(case.department), s["organ"]),
        Paragraph(markup(title), s["title"]),
        Paragraph(markup(_("编号：%(n)s") % {"n": case.number}), s["number"]),
        Spacer(1, 3 * mm),
        Paragraph(markup(_("%(who)s：") % {"who": case.applicant.name}), s["plain"]),
        Spacer(1, 2 * mm),
        Paragraph(markup(body), s["body"]),
        Spacer(1, 3 * mm),
        facts_table(rows, s["cell"]),
        Spacer(1, 3 * mm),
        Paragraph(markup(_("特别程序结束后，本机关将恢复计算办理期限并告知你（单位）新的办结期限。")), s["body"]),
        Paragraph(
            markup(case.department)
            + "<br/>"
            + markup(_("（行政许可专用章）"))
            + "<br/>"
            + _date(suspension.started_on),
            s["sign"],
        ),
    ]
    return a4_notice(story, title=f"{title} {case.number}", author=str(case.department))
