"""Stage 5, delivery (送达, 第四十四条): at the window, by post, or electronically; and changing how."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.errors import InvalidTransition, ValidationFailed
from yiwang.licences.models import Licence

from ..delivery import clean_delivery
from ..models import (
    Case,
)
from ._common import (
    LOCKED_CASE,
    _locked,
    _record,
    _save,
    _tell_applicant,
)


def _deliver(case: Case, *, actor, note: str, tracking_number: str = "") -> Case:
    moved = case.move("deliver")
    case.tracking_number = tracking_number
    case.delivered_at = timezone.now()
    _save(case, "status", "delivery_method", "tracking_number", "delivered_at")
    _record(
        case,
        actor=actor,
        action="deliver",
        moved=moved,
        note=note,
        event="case.delivered",
        data={"method": case.delivery_method, "tracking_number": tracking_number},
    )
    _tell_applicant(case, _("办理结果已送达"), note)
    return case


@transaction.atomic
def case_deliver(*, actor, case: Case, method: str | None = None, tracking_number: str = "") -> Case:
    """Staff hand the result over: at the window, or posted with its tracking number (邮寄送达)."""
    case = _locked(case, actor, "deliver")
    method = method or case.delivery_method
    if method not in Case.Delivery.values:
        raise ValidationFailed(fields={"method": [_("不是可选的送达方式")]})
    tracking_number = tracking_number.strip()
    if method == Case.Delivery.POST:
        if not tracking_number:
            raise ValidationFailed(fields={"tracking_number": [_("邮寄送达须填写邮件单号")]})
        if len(tracking_number) > 40 or not tracking_number.replace("-", "").isalnum():
            raise ValidationFailed(fields={"tracking_number": [_("邮件单号只能由字母、数字和连字符组成，最长 40 位")]})
        if not case.delivery_address:
            raise ValidationFailed(fields={"tracking_number": [_("申请人未填写邮寄地址，不能邮寄送达")]})
    case.delivery_method = method
    if method != Case.Delivery.POST:
        return _deliver(case, actor=actor, note=case.get_delivery_method_display())
    note = _("邮寄送达：邮件单号 %(t)s，寄往 %(a)s") % {"t": tracking_number, "a": case.delivery_address}
    return _deliver(case, actor=actor, note=note, tracking_number=tracking_number)


def _awaits_licence(case: Case) -> bool:
    """A granted case whose result is an e-licence is delivered with the licence, once it is issued."""
    return bool(case.granted and case.version.result_licence_type_id and not Licence.objects.filter(case=case).exists())


@transaction.atomic
def case_deliver_electronically(*, case: Case) -> Case | None:
    """电子送达, done by the platform: the decision document (and the e-licence, if the item issues one) put in the
    applicant's account. Called when the decision is made and when the licence is issued; does nothing for a case
    not (yet) due for it, so a repeated event changes nothing."""
    case = LOCKED_CASE.get(case.pk)
    decided = case.status in (Case.Status.GRANTED, Case.Status.DENIED)
    if not decided or case.delivery_method != Case.Delivery.ONLINE or _awaits_licence(case):
        return None
    note = _("电子送达：决定书已发送至申请人账户")
    if case.granted and case.version.result_licence_type_id:
        note = _("电子送达：决定书和电子证照已发送至申请人账户")
    return _deliver(case, actor=None, note=note)


@transaction.atomic
def case_delivery_update(*, actor, case: Case, method: str, recipient="", phone="", address="", pickup_center=None):
    """The applicant changes how the result reaches them, any time before it has been delivered."""
    case = _locked(case, actor, "applicant")
    if case.status not in (*Case.OPEN_STATES, Case.Status.GRANTED, Case.Status.DENIED):
        raise InvalidTransition(_("办件当前为「%(s)s」，不能再修改送达方式") % {"s": case.get_status_display()})
    fields = clean_delivery(
        method=method,
        region=case.region,
        channel=case.channel,
        recipient=recipient,
        phone=phone,
        address=address,
        pickup_center=pickup_center,
    )
    for name, value in fields.items():
        setattr(case, name, value)
    _save(case, *fields)
    note = case.get_delivery_method_display()
    if case.delivery_method == Case.Delivery.POST:
        note += _("：%(r)s，%(a)s") % {"r": case.delivery_recipient, "a": case.delivery_address}
    elif case.pickup_center_id:
        note += _("：%(c)s") % {"c": case.pickup_center}
    _record(case, actor=actor, action="delivery_update", note=note, data={"method": case.delivery_method})
    if case.delivery_method == Case.Delivery.ONLINE:
        return case_deliver_electronically(case=case) or case
    return case
