"""督办 on a work order: the centre or 效能监察 presses the lead department, which must answer by a date."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.errors import Conflict, InvalidTransition, NotFound
from yiwang.core.permissions import restrict

from ..actions import Action
from ..models import Assignment, Supervision, WorkOrder
from ._common import _calendar, _locked, _now, _raise, _record, _required

# Working days the department has to answer a 督办, counted from the day it is issued.
ANSWER_DAYS = 2


@transaction.atomic
def order_supervise(*, actor, order: WorkOrder, message: str) -> Supervision:
    """督办: only an order in a department's hands (to sign, or in hand), one unanswered 督办 at a time."""
    order = _locked(order, actor, "hotline_supervise")
    errors: dict[str, list[str]] = {}
    message = _required(errors, "message", message, _("请写明督办要求"))
    _raise(errors)
    if order.status not in WorkOrder.OPEN_STATES:
        raise InvalidTransition(
            _("工单当前状态为“%(status)s”，只能督办承办部门办理中的工单") % {"status": order.get_status_display()},
            subcode="hotline_state",
        )
    if order.supervisions.filter(answered_at=None).exists():
        raise Conflict(_("该工单已有未答复的督办单"), subcode="supervision_open")
    lead = order.assignments.select_related("department").get(lead=True, status__in=Assignment.ACTIVE_STATES)
    supervision = Supervision.objects.create(
        order=order,
        department=lead.department,
        message=message,
        due_on=_calendar(order).add_working_days(timezone.localdate(_now()), ANSWER_DAYS).date,
        issued_by=actor,
        issued_at=_now(),
    )
    _record(
        order,
        actor=actor,
        action=Action.SUPERVISE,
        note=f"{lead.department.name}：{message}",
        data={"department": lead.department_id, "due_on": supervision.due_on.isoformat()},
    )
    return supervision


@transaction.atomic
def supervision_answer(*, actor, supervision: Supervision, answer: str) -> Supervision:
    """The department's written answer to a 督办; once."""
    rows = restrict(Supervision.objects.filter(pk=supervision.pk), actor, "hotline_handle")
    supervision = rows.select_for_update(of=("self",)).select_related("order", "department").first()
    if supervision is None:
        raise NotFound()
    errors: dict[str, list[str]] = {}
    answer = _required(errors, "answer", answer, _("请填写督办答复"))
    _raise(errors)
    if supervision.answered_at:
        raise Conflict(_("该督办单已答复"), subcode="supervision_answered")
    supervision.answer, supervision.answered_by, supervision.answered_at = answer, actor, _now()
    supervision.save(update_fields=["answer", "answered_by", "answered_at"])
    _record(
        supervision.order,
        actor=actor,
        action=Action.SUPERVISION_ANSWER,
        note=f"{supervision.department.name}：{answer}",
        data={"supervision": supervision.pk},
    )
    return supervision
