"""The centre's last word: the callback (回访, by telephone or by an SMS link) and closing the order (办结)."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from yiwang.accounts import sms
from yiwang.accounts.identifiers import mask_phone
from yiwang.core.errors import InvalidTransition, NotFound, ValidationFailed

from .. import callback_links, clock
from ..actions import Action
from ..models import Assignment, WorkOrder
from ._common import _calendar, _choice, _locked, _now, _raise, _record, _required, _running_limit, _save


@transaction.atomic
def order_callback(*, actor, order: WorkOrder, satisfaction: str, note: str = "") -> WorkOrder:
    """回访 by telephone, recorded by the operator: 满意 or 基本满意 closes the order; 不满意 sends it back to the lead
    department to be done again (重办), with a new reply limit from now."""
    order = _locked(order, actor, "hotline_operate")
    _satisfaction_valid(satisfaction)
    if order.status != WorkOrder.Status.REPLIED:
        raise InvalidTransition(
            _("工单当前状态为“%(status)s”，部门答复后才能回访") % {"status": order.get_status_display()},
            subcode="hotline_state",
        )
    return _called_back(order, actor=actor, satisfaction=satisfaction, note=note)


@transaction.atomic
def order_callback_sms(*, actor, order: WorkOrder) -> str:
    """短信回访: the centre sends the caller a link to say whether the reply satisfied them, instead of calling.
    Returns the masked number it went to. Sending again (the caller lost the message) sends the same round's link."""
    order = _locked(order, actor, "hotline_operate")
    if order.status != WorkOrder.Status.REPLIED:
        raise InvalidTransition(
            _("工单当前状态为“%(status)s”，部门答复后才能回访") % {"status": order.get_status_display()},
            subcode="hotline_state",
        )
    if not order.caller_phone:
        raise ValidationFailed(fields={"phone": [_("工单没有联系电话，无法发送短信回访")]}, subcode="callback_no_phone")
    _record(order, actor=actor, action=Action.CALLBACK_SMS, note=mask_phone(order.caller_phone))
    link = settings.YIWANG_PUBLIC_URL.rstrip("/") + reverse("hotline:callback_link", args=[callback_links.make(order)])
    text = _("【12345】您反映的诉求（工单 %(n)s）承办部门已答复，请点击链接评价是否满意：%(link)s") % {
        "n": order.number,
        "link": link,
    }
    phone = order.caller_phone
    transaction.on_commit(lambda: sms.send(phone, text), robust=True)
    return mask_phone(phone)


@transaction.atomic
def order_callback_by_link(*, token: str, satisfaction: str, note: str = "") -> WorkOrder:
    """The caller answers the SMS link: the same outcome as a telephone callback. A link that is forged, too old,
    or of a reply already answered is refused as not found, and nothing changes."""
    _satisfaction_valid(satisfaction)
    found = callback_links.read(token)
    if found is None:
        raise NotFound(_("回访链接无效或已过期"))
    pk, round_ = found
    order = WorkOrder.objects.select_for_update(of=("self",)).filter(pk=pk).first()
    if order is None or order.status != WorkOrder.Status.REPLIED or order.reopened_count != round_:
        raise NotFound(_("该回访已完成或链接已失效，如有疑问请拨打 12345"))
    return _called_back(order, actor=None, satisfaction=satisfaction, note=note[:200], label=_("来电人（短信回访）"))


def _satisfaction_valid(satisfaction: str) -> None:
    errors: dict[str, list[str]] = {}
    _choice(errors, "satisfaction", satisfaction, WorkOrder.Satisfaction, _("请选择回访结果"))
    _raise(errors)


def _called_back(order: WorkOrder, *, actor, satisfaction: str, note: str, label: str = "") -> WorkOrder:
    order.satisfaction = satisfaction
    _record(
        order,
        actor=actor,
        action=Action.CALLBACK,
        note=f"{order.get_satisfaction_display()}" + (f"：{note.strip()}" if note.strip() else ""),
        data={"satisfaction": satisfaction},
        label=label,
    )
    now = _now()
    if satisfaction != WorkOrder.Satisfaction.DISSATISFIED:
        order.move(Action.CLOSE)
        order.closed_at = now
        _save(order, "status", "satisfaction", "closed_at")
        _record(order, actor=actor, action=Action.CLOSE, label=label)
        return order
    lead = (
        order.assignments.select_for_update(of=("self",))
        .select_related("department")
        .get(lead=True, status=Assignment.Status.REPLIED)
    )
    order.move(Action.REOPEN)
    order.reopened_count += 1
    # The answer the caller rejected stays in the timeline; the department's part waits for a new one.
    lead.status, lead.reply, lead.outcome, lead.replied_at = Assignment.Status.SIGNED, "", "", None
    lead.reply_due = clock.reply_limit(_calendar(order), now, urgency=order.urgency, handling=order.handling)
    lead.save(update_fields=["status", "reply", "outcome", "replied_at", "reply_due"])
    order.reply_due = lead.reply_due
    _running_limit(order, now)
    _save(order, "status", "satisfaction", "reopened_count", "reply_due", "warn_at")
    _record(order, actor=actor, action=Action.REOPEN, note=lead.department.name, label=label)
    return order


@transaction.atomic
def order_close(*, actor, order: WorkOrder, note: str) -> WorkOrder:
    """办结 without a callback: the caller cannot be reached, the request repeats another, it was withdrawn."""
    order = _locked(order, actor, "hotline_operate")
    errors: dict[str, list[str]] = {}
    note = _required(errors, "note", note, _("请填写办结说明"))
    _raise(errors)
    order.move(Action.CLOSE)
    order.closed_at = _now()
    order.assignments.filter(status__in=Assignment.ACTIVE_STATES).update(status=Assignment.Status.TRANSFERRED)
    _running_limit(order, order.closed_at)
    _save(order, "status", "closed_at", "warn_at")
    _record(order, actor=actor, action=Action.CLOSE, note=note)
    return order
