"""Stage 4, decision: the reviewer's proposal (审核) and the head's decision (审批)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from yiwang.core.events import emit
from yiwang.core.permissions import allows
from yiwang.credit import services as credit
from yiwang.workflow.models import Task

from .. import clock
from ..models import (
    Case,
    CaseMaterial,
)
from ._common import (
    _calendar,
    _locked,
    _record,
    _require_on_task,
    _save,
    _tell_applicant,
)

REMEDIES = _(
    "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。"
)


def _open_decision(case: Case) -> Task:
    """The case's open decision task, locked; a case already decided is a conflict for whoever comes second."""
    decision = case.tasks.select_for_update().filter(role=Task.Role.DECISION, status__in=Task.OPEN_STATES).first()
    if decision is None:
        if case.decided_at is not None:
            raise Conflict(_("该办件已作出决定（%(s)s），请刷新") % {"s": case.get_status_display()})
        raise InvalidTransition(_("各部门审查尚未完成，暂不能作出决定"))
    return decision


@transaction.atomic
def case_propose(*, actor, case: Case, grant: bool, reasons: str) -> Case:
    """审核: the lead department's reviewer proposes a decision, which its 负责人 then signs (审批)."""
    locked = _locked(case, actor, "review")
    decision = _open_decision(locked)
    _require_on_task(decision, actor, "review")
    if not locked.version.needs_head:
        raise InvalidTransition(_("该事项为%(m)s，由审核人直接作出决定") % {"m": locked.version.get_sign_off_display()})
    if not reasons.strip():
        raise ValidationFailed(fields={"reasons": [_("请填写审核意见的理由")]})
    if locked.proposed_at is not None:
        raise Conflict(_("%(who)s已提出审核意见，待负责人审批") % {"who": locked.proposed_by})
    locked.proposed_grant, locked.proposal_reasons = grant, reasons.strip()
    locked.proposed_by, locked.proposed_at = actor, timezone.now()
    _save(locked, "proposed_grant", "proposal_reasons", "proposed_by", "proposed_at")
    decision.assignee = decision.assignee or actor
    decision.save(update_fields=["assignee"])
    verdict = _("拟准予许可") if grant else _("拟不予许可")
    _record(
        locked,
        actor=actor,
        action="propose",
        note=f"{verdict}：{locked.proposal_reasons}",
        event="case.proposed",
        data={"grant": grant},
    )
    return locked


def _deemed_renewed(case: Case) -> bool:
    """第五十条第二款 already decided a renewal the organ left undecided past the expiry (licences.renewal)."""
    renewal = getattr(case, "renewal", None)
    return renewal is not None and renewal.deemed_on is not None


@transaction.atomic
def case_decide(*, actor, case: Case, grant: bool, reasons: str = "", result_data: dict | None = None) -> Case:
    """The lead department's decision, once every stage has answered: its 负责人 signs the reviewer's proposal
    (审批), or, for a 即办 or 单人审批 item, the reviewer decides directly."""
    locked = _locked(case, actor, "view")
    decision = _open_decision(locked)
    if locked.version.needs_head:
        if not allows(actor, "decide", decision):
            _require_on_task(decision, actor, "review")
            raise PermissionDenied(_("该事项须由部门负责人审批，审核人请提出审核意见"))
        if locked.proposed_at is None:
            raise InvalidTransition(_("审核人尚未提出审核意见，暂不能审批"))
        if locked.proposed_by_id == actor.pk:
            raise PermissionDenied(_("不能审批自己提出的审核意见，须由部门负责人审批"))
        if grant != locked.proposed_grant and not reasons.strip():
            raise ValidationFailed(fields={"reasons": [_("审批决定与审核意见不一致，须说明理由")]})
    else:
        _require_on_task(decision, actor, "review")
    if not grant and not reasons.strip():
        raise ValidationFailed(fields={"reasons": [_("不予许可必须说明理由")]})
    if not grant and _deemed_renewed(locked):
        raise InvalidTransition(
            _("该延续申请已因逾期未作决定视为准予延续（《行政许可法》第五十条第二款），不能再作出不予延续的决定")
        )
    outstanding = locked.materials.filter(provided=CaseMaterial.Provided.DEFERRED).select_related("spec")
    if grant and outstanding:
        raise InvalidTransition(
            _("容缺材料尚未补齐：%(m)s。补齐后方可准予许可。")
            % {"m": "、".join(f"《{m.spec.name}》" for m in outstanding)}
        )
    moved = locked.move("grant" if grant else "deny")
    # A blocking credit rule refuses a grant; a refusal stays possible and still records the hits.
    credit.credit_check(actor=actor, case=locked, checkpoint="decision", enforce=grant)
    locked.decided_at, locked.granted = timezone.now(), grant
    clock.set_delivery_due(locked, _calendar(locked))
    locked.decision_reasons = reasons.strip() if grant else f"{reasons.strip()}\n{REMEDIES}"
    locked.result_data = result_data or {}
    _save(locked, "status", "decided_at", "granted", "delivery_due", "warning", "decision_reasons", "result_data")
    decision.status, decision.assignee, decision.finished_at = Task.Status.DONE, actor, locked.decided_at
    decision.opinion = _("准予许可") if grant else reasons.strip()
    decision.save(update_fields=["status", "assignee", "finished_at", "opinion"])
    _record(
        locked,
        actor=actor,
        action="grant" if grant else "deny",
        moved=moved,
        note=locked.decision_reasons,
        event="case.decided",
        data={"granted": grant},
    )
    if grant:
        emit(
            "case.granted",
            {"case": locked.number, "case_id": locked.pk, "item": locked.item.code, "result_data": locked.result_data},
        )
    _tell_applicant(locked, _("已作出决定：%(d)s") % {"d": locked.get_status_display()}, locked.decision_reasons)
    return locked
