"""督办: a supervisor's order on a case and the department's answer."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.errors import Conflict, NotFound, ValidationFailed
from yiwang.core.permissions import restrict

from ..models import (
    Case,
    SupervisionOrder,
)
from ._common import (
    _calendar,
    _locked,
    _record,
    _today,
)


@transaction.atomic
def supervision_order_issue(*, actor, case: Case, message: str, days: int = 3) -> SupervisionOrder:
    if not message.strip():
        raise ValidationFailed(fields={"message": [_("请写明督办要求")]})
    case = _locked(case, actor, "supervise")
    due = _calendar(case).add_working_days(_today(), days).date
    order = SupervisionOrder.objects.create(
        case=case, department=case.department, issued_by=actor, message=message.strip(), due_on=due
    )
    _record(case, actor=actor, action="supervise", note=order.message, event="case.supervised")
    return order


@transaction.atomic
def supervision_order_answer(*, actor, order: SupervisionOrder, answer: str) -> SupervisionOrder:
    if not answer.strip():
        raise ValidationFailed(fields={"answer": [_("请填写答复")]})
    # The department's reviewers or its head answer for it.
    orders = SupervisionOrder.objects.filter(pk=order.pk)
    if not (restrict(orders, actor, "review").exists() or restrict(orders, actor, "approve").exists()):
        raise NotFound()
    order = SupervisionOrder.objects.select_for_update().get(pk=order.pk)
    if order.answered_at:
        raise Conflict(_("该督办单已答复"))
    order.answer, order.answered_by, order.answered_at = answer.strip(), actor, timezone.now()
    order.save()
    _record(order.case, actor=actor, action="supervision_answer", note=order.answer)
    return order
