"""The departments' part: dispatch (派单), signing (签收), returns (退单) and re-dispatch, transfer (改派),
extensions (延期) and replies (答复)."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from yiwang.core.errors import Conflict, InvalidTransition, NotFound
from yiwang.org.models import Department

from .. import clock, routing
from ..actions import Action
from ..models import Assignment, ExtensionRequest, ProcessChange, WorkOrder, WorkOrderAttachment
from ._common import (
    _calendar,
    _choice,
    _locked,
    _now,
    _own_assignment,
    _raise,
    _record,
    _required,
    _running_limit,
    _save,
)
from .attachments import attachments_check, attachments_store, described
from .hotspots import hotspot_for_chronic_order

EXTENSION_MAX_DAYS = 15


def _departments(order: WorkOrder, lead: Department | None, assisting, errors: dict) -> list[Department]:
    """The lead and 协办 departments, each of the order's district or one of its streets' offices; the lead first,
    none twice."""
    chosen: list[Department] = []
    if lead is None or not routing.serves(order, lead):
        errors.setdefault("lead", []).append(_("请选择本区的主办部门"))
    else:
        chosen.append(lead)
    for department in assisting or ():
        if not routing.serves(order, department):
            errors.setdefault("assisting", []).append(_("协办部门须为本区部门"))
        elif department.pk not in {d.pk for d in chosen}:
            chosen.append(department)
    return chosen


def _assign(order: WorkOrder, departments: list[Department], *, lead_only: bool = False) -> Assignment:
    """Send the order to the departments with fresh limits; the lead's limits become the order's."""
    now, cal = _now(), _calendar(order)
    sign_due = clock.sign_limit(cal, now, urgency=order.urgency, handling=order.handling)
    reply_due = clock.reply_limit(cal, now, urgency=order.urgency, handling=order.handling)
    rows = [
        Assignment(
            order=order,
            department=department,
            lead=position == 0,
            dispatched_at=now,
            sign_due=sign_due,
            reply_due=reply_due,
        )
        for position, department in enumerate(departments[:1] if lead_only else departments)
    ]
    Assignment.objects.bulk_create(rows)
    order.sign_due, order.reply_due = sign_due, reply_due
    _running_limit(order, now)
    return rows[0]


def _names(departments: list[Department]) -> str:
    return "、".join(d.name for d in departments)


@transaction.atomic
def order_dispatch(
    *, actor, order: WorkOrder, lead: Department | None, assisting=(), handling: str, urgency: str = ""
) -> WorkOrder:
    """派单: the lead department and any 协办 departments, the handling kind, and the limits it sets."""
    order = _locked(order, actor, "hotline_operate")
    errors: dict[str, list[str]] = {}
    departments = _departments(order, lead, assisting, errors)
    _choice(errors, "handling", handling, WorkOrder.Handling, _("请选择办理类别"))
    _choice(errors, "urgency", urgency, WorkOrder.Urgency, _("请选择紧急程度"), blank=True)
    _raise(errors)
    order.move(Action.DISPATCH)
    order.handling, order.urgency = handling, urgency or order.urgency
    _assign(order, departments)
    _save(order, "status", "handling", "urgency", "sign_due", "reply_due", "warn_at")
    if handling == WorkOrder.Handling.CHRONIC:
        hotspot_for_chronic_order(actor=actor, order=order, department=departments[0])
    _record(
        order,
        actor=actor,
        action=Action.DISPATCH,
        note=_names(departments),
        data={"departments": [d.pk for d in departments], "handling": handling},
    )
    return order


@transaction.atomic
def order_sign(*, actor, order: WorkOrder) -> Assignment:
    """签收: the department takes the order up; the lead's signing starts the reply limit running."""
    order = _locked(order, actor, "hotline_handle")
    assignment = _own_assignment(order, actor, Assignment.Status.DISPATCHED)
    assignment.status, assignment.signed_at = Assignment.Status.SIGNED, _now()
    assignment.save(update_fields=["status", "signed_at"])
    if assignment.lead:
        order.move(Action.SIGN)
        _running_limit(order, assignment.dispatched_at)
        _save(order, "status", "warn_at")
    _record(order, actor=actor, action=Action.SIGN, note=assignment.department.name)
    return assignment


@transaction.atomic
def order_return(*, actor, order: WorkOrder, reason: str) -> Assignment:
    """退单: not this department's business. Only before signing and within the signing limit; after it the
    department has the order and must handle or ask the centre to transfer it. An order returned as often as
    HOTLINE_RETURN_LIMIT allows was sent by 指定派单: no department may return it again."""
    order = _locked(order, actor, "hotline_handle")
    assignment = _own_assignment(order, actor, Assignment.Status.DISPATCHED, Assignment.Status.SIGNED)
    if assignment.status == Assignment.Status.SIGNED:
        raise InvalidTransition(_("已签收的工单不能退单；如非本部门职责，请联系热线中心改派"), subcode="return_signed")
    if routing.returns_exhausted(order):
        raise InvalidTransition(
            _("该工单已退单 %(n)s 次，达到退单上限，热线中心已指定派单，不能再退单，请签收办理")
            % {"n": order.returned_count},
            subcode="return_limit",
        )
    now = _now()
    if now > assignment.sign_due:
        raise InvalidTransition(
            _("已超过签收时限（%(due)s），不能再退单，请签收办理") % {"due": f"{assignment.sign_due:%Y-%m-%d %H:%M}"},
            subcode="return_too_late",
        )
    errors: dict[str, list[str]] = {}
    reason = _required(errors, "reason", reason, _("请填写退单理由"))
    _raise(errors)
    assignment.status, assignment.returned_at, assignment.return_reason = Assignment.Status.RETURNED, now, reason
    assignment.save(update_fields=["status", "returned_at", "return_reason"])
    if assignment.lead:
        order.move(Action.RETURN)
        order.returned_count += 1
        # 协办 departments wait for the centre's new dispatch, which sends the whole order again.
        order.assignments.filter(status__in=Assignment.ACTIVE_STATES).update(status=Assignment.Status.TRANSFERRED)
        _running_limit(order, now)
        _save(order, "status", "returned_count", "warn_at")
    _record(
        order,
        actor=actor,
        action=Action.RETURN,
        note=f"{assignment.department.name}：{reason}",
        data={"department": assignment.department_id},
    )
    return assignment


@transaction.atomic
def order_redispatch(
    *, actor, order: WorkOrder, lead: Department | None, assisting=(), handling: str = ""
) -> WorkOrder:
    """重新派单 after a return: the centre sends the order again, usually to another department."""
    order = _locked(order, actor, "hotline_operate")
    errors: dict[str, list[str]] = {}
    departments = _departments(order, lead, assisting, errors)
    _choice(errors, "handling", handling, WorkOrder.Handling, _("请选择办理类别"), blank=True)
    _raise(errors)
    order.move(Action.REDISPATCH)
    order.handling = handling or order.handling
    _assign(order, departments)
    _save(order, "status", "handling", "sign_due", "reply_due", "warn_at")
    _record(
        order,
        actor=actor,
        action=Action.REDISPATCH,
        note=_names(departments),
        data={"departments": [d.pk for d in departments]},
    )
    return order


@transaction.atomic
def order_transfer(*, actor, order: WorkOrder, lead: Department | None, note: str = "") -> WorkOrder:
    """改派: the centre takes a signed order from its lead department and gives it to another; 协办 stay."""
    order = _locked(order, actor, "hotline_operate")
    errors: dict[str, list[str]] = {}
    departments = _departments(order, lead, (), errors)
    current = order.assignments.select_for_update(of=("self",)).filter(lead=True, status=Assignment.Status.SIGNED)
    current = current.select_related("department").first()
    if current is not None and departments and departments[0].pk == current.department_id:
        errors.setdefault("lead", []).append(_("请选择另一个部门"))
    _raise(errors)
    order.move(Action.TRANSFER)
    if current is not None:
        current.status, current.lead = Assignment.Status.TRANSFERRED, False
        current.save(update_fields=["status", "lead"])
    _assign(order, departments, lead_only=True)
    _save(order, "status", "sign_due", "reply_due", "warn_at")
    _record(
        order,
        actor=actor,
        action=Action.TRANSFER,
        note=f"{current.department.name if current else ''} → {departments[0].name}" + (f"：{note}" if note else ""),
        data={"department": departments[0].pk},
    )
    return order


@transaction.atomic
def extension_request(*, actor, order: WorkOrder, days: int | None, reason: str) -> ExtensionRequest:
    """申请延期: the lead department asks the centre for more working days to reply."""
    order = _locked(order, actor, "hotline_handle")
    assignment = _own_assignment(order, actor, Assignment.Status.SIGNED)
    errors: dict[str, list[str]] = {}
    if not assignment.lead:
        errors["days"] = [_("由主办部门申请延期")]
    if not isinstance(days, int) or not 1 <= days <= EXTENSION_MAX_DAYS:
        errors.setdefault("days", []).append(_("延长天数应为 1 至 %(n)s 个工作日") % {"n": EXTENSION_MAX_DAYS})
    reason = _required(errors, "reason", reason, _("请填写延期理由"))
    _raise(errors)
    if assignment.extensions.filter(status=ExtensionRequest.Status.PENDING).exists():
        raise Conflict(_("已有待审核的延期申请"), subcode="extension_pending")
    extension = ExtensionRequest.objects.create(assignment=assignment, days=days, reason=reason, requested_by=actor)
    _record(
        order,
        actor=actor,
        action=Action.EXTENSION_REQUEST,
        note=_("%(n)s 个工作日：%(reason)s") % {"n": days, "reason": reason},
    )
    return extension


@transaction.atomic
def extension_decide(*, actor, extension: ExtensionRequest, approve: bool, note: str = "") -> ExtensionRequest:
    """The centre approves (the reply limit moves on by the days asked) or refuses a request for more time."""
    found = ExtensionRequest.objects.select_related("assignment__order").filter(pk=extension.pk).first()
    if found is None:
        raise NotFound()
    order = _locked(found.assignment.order, actor, "hotline_operate")
    extension = ExtensionRequest.objects.select_for_update(of=("self",)).select_related("assignment").get(pk=found.pk)
    if extension.status != ExtensionRequest.Status.PENDING:
        raise Conflict(_("该延期申请已经处理"), subcode="extension_decided")
    if approve and order.status != WorkOrder.Status.SIGNED:
        raise InvalidTransition(_("工单已不在办理中，不能延期"), subcode="hotline_state")
    extension.status = ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REFUSED
    extension.decided_by, extension.decided_at, extension.decision_note = actor, _now(), note.strip()
    extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if approve:
        assignment = extension.assignment
        assignment.reply_due = clock.reply_due(_calendar(order), assignment.reply_due, extension.days)
        assignment.save(update_fields=["reply_due"])
        order.reply_due = assignment.reply_due
        _running_limit(order, assignment.dispatched_at)
        _save(order, "reply_due", "warn_at")
    _record(
        order,
        actor=actor,
        action=Action.EXTENSION_APPROVE if approve else Action.EXTENSION_REFUSE,
        note=note.strip(),
        data={"days": extension.days},
    )
    return extension


def _process_change(
    errors: dict, order: WorkOrder, assignment: Assignment, description: str, effective_on, file
) -> tuple[bool, str, list]:
    """A 整改类 order's lead reply must carry its 流程整改 (what changed, from when, a file if any); no other
    reply records one, so one given there is refused rather than dropped."""
    required = order.handling == WorkOrder.Handling.RECTIFICATION and assignment.lead
    description = (description or "").strip()
    if not required:
        if description or effective_on or file is not None:
            errors.setdefault("change_description", []).append(_("只有整改类工单的主办部门答复时记录流程整改"))
        return False, "", []
    _required(errors, "change_description", description, _("整改类工单须填写流程整改：修改了哪项流程或制度"))
    if not isinstance(effective_on, dt.date):
        errors.setdefault("change_effective_on", []).append(_("请填写整改的生效日期（年-月-日）"))
    return True, description, attachments_check(errors, [file], field="change_file", most=1)


@transaction.atomic
def order_reply(
    *,
    actor,
    order: WorkOrder,
    reply: str,
    outcome: str,
    attachments=(),
    change_description: str = "",
    change_effective_on: dt.date | None = None,
    change_file=None,
) -> Assignment:
    """答复: the lead department's answer moves the order on to the callback; a 协办 department's is its part.
    `attachments` (a photo of the fix, a written answer) are uploaded files, at most ATTACHMENTS_MAX. The lead's
    answer to a 整改类 order records the department's 流程整改 (ProcessChange): what process or rule changed
    (`change_description`), from when (`change_effective_on`), and the new rule as a file if there is one."""
    order = _locked(order, actor, "hotline_handle")
    if order.status == WorkOrder.Status.CLOSED:
        raise InvalidTransition(_("工单已办结，不能再答复"), subcode="order_closed")
    assignment = _own_assignment(order, actor, Assignment.Status.SIGNED, Assignment.Status.DISPATCHED)
    if assignment.status != Assignment.Status.SIGNED:
        raise InvalidTransition(_("请先签收再答复"), subcode="reply_unsigned")
    errors: dict[str, list[str]] = {}
    reply = _required(errors, "reply", reply, _("请填写答复内容"))
    _choice(errors, "outcome", outcome, Assignment.Outcome, _("请选择办理结果"))
    files = attachments_check(errors, attachments)
    changes, change_description, change_files = _process_change(
        errors, order, assignment, change_description, change_effective_on, change_file
    )
    _raise(errors)
    assignment.status, assignment.reply, assignment.outcome, assignment.replied_at = (
        Assignment.Status.REPLIED,
        reply,
        outcome,
        _now(),
    )
    assignment.save(update_fields=["status", "reply", "outcome", "replied_at"])
    if assignment.lead:
        order.move(Action.REPLY)
        _running_limit(order, assignment.replied_at)
        _save(order, "status", "warn_at")
    department = assignment.department
    stored = attachments_store(
        order, files + change_files, actor=actor, source=WorkOrderAttachment.Source.REPLY, department=department
    )
    lines = [f"{department.name}（{assignment.get_outcome_display()}）：{reply}"]
    data: dict = {"outcome": outcome}
    if changes:
        change = ProcessChange.objects.create(
            order=order,
            department=department,
            description=change_description,
            effective_on=change_effective_on,
            attachment=stored[-1] if change_files else None,
            recorded_by=actor,
            recorded_at=assignment.replied_at,
        )
        lines.append(
            _("流程整改（%(day)s 起施行）：%(text)s")
            % {"day": f"{change.effective_on:%Y-%m-%d}", "text": change.description}
        )
        data["process_change"] = {"id": change.pk, "effective_on": change.effective_on.isoformat()}
    note, listed = described(stored)
    if listed:
        lines.append(note)
        data["attachments"] = listed
    _record(
        order,
        actor=actor,
        action=Action.REPLY if assignment.lead else Action.ASSIST_REPLY,
        note="\n".join(lines),
        data=data,
    )
    return assignment
