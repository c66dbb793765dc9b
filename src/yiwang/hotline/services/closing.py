"""The centre's last word: the callback (回访) and closing the order (办结)."""

from django.db import transaction
from django.utils.translation import gettext as _

from yiwang.core.errors import InvalidTransition

from .. import clock
from ..actions import Action
from ..models import Assignment, WorkOrder
from ._common import _calendar, _choice, _locked, _now, _raise, _record, _required, _running_limit, _save


@transaction.atomic
def order_callback(*, actor, order: WorkOrder, satisfaction: str, note: str = "") -> WorkOrder:
    """回访: 满意 or 基本满意 closes the order; 不满意 sends it back to the lead department to be done again
    (重办), with a new reply limit from now."""
    order = _locked(order, actor, "hotline_operate")
    errors: dict[str, list[str]] = {}
    _choice(errors, "satisfaction", satisfaction, WorkOrder.Satisfaction, _("请选择回访结果"))
    _raise(errors)
    if order.status != WorkOrder.Status.REPLIED:
        raise InvalidTransition(
            _("工单当前状态为“%(status)s”，部门答复后才能回访") % {"status": order.get_status_display()},
            subcode="hotline_state",
        )
    order.satisfaction = satisfaction
    _record(
        order,
        actor=actor,
        action=Action.CALLBACK,
        note=f"{order.get_satisfaction_display()}" + (f"：{note.strip()}" if note.strip() else ""),
        data={"satisfaction": satisfaction},
    )
    now = _now()
    if satisfaction != WorkOrder.Satisfaction.DISSATISFIED:
        order.move(Action.CLOSE)
        order.closed_at = now
        _save(order, "status", "satisfaction", "closed_at")
        _record(order, actor=actor, action=Action.CLOSE)
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
    _record(order, actor=actor, action=Action.REOPEN, note=lead.department.name)
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
