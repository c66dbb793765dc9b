"""The desk's written notices as PDF: 受理通知书, 一次性告知书 (第三十二条), 不予受理通知书.

Set in the platform's embedded font (core.pdf), like the licences: a notice prints the same on any reader.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from yiwang.accounts.identifiers import mask_identity_number
from yiwang.cases.models import Case
from yiwang.cases.progress import progress_address
from yiwang.core.errors import InvalidTransition
from yiwang.core.pdf import a4_notice, facts_table, markup, paragraph_style

HOTLINE = "12345"
# 行政许可法 第三十二条 and the remedies every refusal must name (行政复议法 第二十条, 行政诉讼法 第四十六条).
CORRECTION_RULE = gettext_lazy(
    "本告知书依照《中华人民共和国行政许可法》第三十二条，在收到申请材料之日起五个工作日内一次性出具；"
    "逾期不告知的，自收到申请材料之日起即为受理。请按上列事项一次性补齐材料后重新提交，补正齐全的，本机关依法受理。"
)
REMEDIES = gettext_lazy(
    "如不服本决定，可以自收到本通知书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。"
)

_TITLE = paragraph_style("title", fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=4 * mm)
_NUMBER = paragraph_style("number", fontSize=10.5, leading=16, alignment=TA_RIGHT, spaceAfter=4 * mm)
_BODY = paragraph_style("body", fontSize=12, leading=21, firstLineIndent=24, wordWrap="CJK")
_PLAIN = ParagraphStyle("plain", parent=_BODY, firstLineIndent=0)
_POINT = ParagraphStyle("point", parent=_PLAIN, leftIndent=18, firstLineIndent=-18, spaceBefore=2)
_CELL = paragraph_style("cell", fontSize=11, leading=16, wordWrap="CJK")
_SIGN = ParagraphStyle("sign", parent=_PLAIN, alignment=TA_RIGHT, spaceBefore=10 * mm)
_SMALL = ParagraphStyle("small", parent=_PLAIN, fontSize=9.5, leading=15, textColor=colors.HexColor("#444444"))


def _date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"


def _applicant_line(case: Case) -> str:
    if case.applicant_entity_id:
        entity = case.applicant_entity
        return _("%(name)s（统一社会信用代码 %(uscc)s）") % {"name": entity.name, "uscc": entity.uscc}
    person = case.applicant_person
    return _("%(name)s（身份证号码 %(id)s）") % {"name": person.name, "id": mask_identity_number(person.id_number)}


def _document(case: Case, title: str, story: list, issued: dt.date) -> bytes:
    head = [
        Paragraph(markup(case.department), ParagraphStyle("organ", parent=_TITLE, fontSize=15, spaceAfter=1 * mm)),
        Paragraph(markup(title), _TITLE),
        Paragraph(markup(_("编号：%(n)s　查询码：%(code)s") % {"n": case.number, "code": case.query_code}), _NUMBER),
        Paragraph(markup(_("%(who)s：") % {"who": case.applicant.name}), _PLAIN),
        Spacer(1, 2 * mm),
    ]
    tail = [
        Paragraph(markup(case.department) + "<br/>" + markup(_("（受理专用章）")) + "<br/>" + _date(issued), _SIGN),
        Spacer(1, 8 * mm),
        Paragraph(
            markup(
                _(
                    "办件进度查询：无需账号，在 %(url)s 输入办件编号 %(n)s 和查询码 %(code)s 即可查询；"
                    "咨询请拨打政务服务便民热线 %(phone)s。"
                )
                % {"url": progress_address(), "n": case.number, "code": case.query_code, "phone": HOTLINE}
            ),
            _SMALL,
        ),
    ]
    return a4_notice(head + story + tail, title=f"{title} {case.number}", author=str(case.department))


def acceptance_notice(case: Case) -> bytes:
    days = case.promised_days
    promised = (
        _("即办件，当场办结") if days == 0 else _("%(n)d 个工作日，%(d)s 前办结") % {"n": days, "d": _date(case.due_on)}
    )
    statutory = _("%(n)d 个工作日，%(d)s 前") % {"n": case.statutory_days, "d": _date(case.statutory_due_on)}
    if case.due_provisional:
        statutory += _("（节假日安排未公布，期限为临时计算）")
    story = [
        Paragraph(
            markup(
                _(
                    "你（单位）于%(day)s提出的《%(item)s》申请，经审查，申请材料齐全、符合法定形式，"
                    "根据《中华人民共和国行政许可法》第三十二条的规定，决定予以受理。"
                )
                % {"day": _date(case.received_on), "item": case.item.name}
            ),
            _BODY,
        ),
        Spacer(1, 4 * mm),
        facts_table(
            [
                (_("办件编号"), case.number),
                (_("申请人"), _applicant_line(case)),
                (_("申请事项"), case.item.name),
                (_("承办部门"), str(case.department)),
                (_("受理日期"), _date(case.accepted_on)),
                (_("承诺办结时限"), promised),
                (_("法定办结时限"), statutory),
                (_("受理窗口"), str(case.intake_window) if case.intake_window_id else _("网上受理")),
                (_("结果领取方式"), case.get_delivery_method_display()),
                (_("咨询电话"), HOTLINE),
            ],
            _CELL,
        ),
        Spacer(1, 3 * mm),
        Paragraph(
            markup(
                _(
                    "依照行政许可法第四十五条，听证、检验、检测、鉴定、专家评审等所需时间不计入上述时限，届时将书面告知。"
                )
            ),
            _SMALL,
        ),
    ]
    return _document(case, _("受理通知书"), story, case.accepted_on or case.received_on)


def correction_notice(case: Case) -> bytes:
    notice = case.corrections.order_by("-issued_at", "-pk").first()
    if notice is None:
        raise InvalidTransition(_("该办件没有补正告知"))
    story = [
        Paragraph(
            markup(
                _(
                    "你（单位）于%(day)s提出的《%(item)s》申请（办件编号 %(n)s），申请材料不齐全或者不符合法定形式。"
                    "根据《中华人民共和国行政许可法》第三十二条的规定，现一次性告知需要补正的全部内容如下："
                )
                % {"day": _date(case.received_on), "item": case.item.name, "n": case.number}
            ),
            _BODY,
        ),
        Spacer(1, 3 * mm),
        *[Paragraph(markup(f"{i}. {point}"), _POINT) for i, point in enumerate(notice.points, start=1)],
        Spacer(1, 4 * mm),
        Paragraph(markup(CORRECTION_RULE), _BODY),
        Spacer(1, 3 * mm),
        facts_table(
            [
                (_("告知日期"), _date(timezone.localdate(notice.issued_at))),
                (_("受理窗口"), str(case.intake_window) if case.intake_window_id else _("网上受理")),
                (_("咨询电话"), HOTLINE),
            ],
            _CELL,
        ),
    ]
    return _document(case, _("一次性告知书"), story, timezone.localdate(notice.issued_at))


def refusal_notice(case: Case) -> bytes:
    reasons = [r for r in case.closed_reason.splitlines() if r.strip()] or [case.closed_reason]
    story = [
        Paragraph(
            markup(
                _(
                    "你（单位）于%(day)s提出的《%(item)s》申请（办件编号 %(n)s），经审查，"
                    "根据《中华人民共和国行政许可法》第三十二条的规定，决定不予受理。理由如下："
                )
                % {"day": _date(case.received_on), "item": case.item.name, "n": case.number}
            ),
            _BODY,
        ),
        Spacer(1, 3 * mm),
        *[Paragraph(markup(f"{i}. {r.strip()}"), _POINT) for i, r in enumerate(reasons, start=1)],
        Spacer(1, 4 * mm),
        Paragraph(markup(REMEDIES), _BODY),
    ]
    refused = case.log.filter(action="refuse_acceptance").order_by("-at").first()
    issued = timezone.localdate(refused.at) if refused else case.received_on
    return _document(case, _("不予受理通知书"), story, issued)


NOTICES = {
    "accept": (gettext_lazy("受理通知书"), acceptance_notice),
    "correction": (gettext_lazy("一次性告知书"), correction_notice),
    "refusal": (gettext_lazy("不予受理通知书"), refusal_notice),
}


def notice_kind(case: Case) -> str | None:
    """The notice the case's acceptance step produced, if it has produced one yet."""
    if case.status == Case.Status.ACCEPTANCE_REFUSED:
        return "refusal"
    if case.status == Case.Status.CORRECTION_REQUESTED:
        return "correction"
    if case.accepted_on is not None:
        return "accept"
    return None


def notice_pdf(case: Case, kind: str | None = None) -> tuple[str, bytes]:
    """(title, PDF bytes) of the case's notice: the one asked for, or the one its state calls for."""
    kind = kind or notice_kind(case)
    if kind is None or kind not in NOTICES:
        raise InvalidTransition(_("该办件尚未受理、告知补正或不予受理，没有可打印的通知书"))
    if kind == "correction" and not case.corrections.exists():
        raise InvalidTransition(_("该办件没有补正告知"))
    if kind == "accept" and case.accepted_on is None:
        raise InvalidTransition(_("该办件尚未受理"))
    if kind == "refusal" and case.status != Case.Status.ACCEPTANCE_REFUSED:
        raise InvalidTransition(_("该办件未被不予受理"))
    title, build = NOTICES[kind]
    return str(title), build(case)
