"""The clock of a case under review: 第四十五条 suspensions and 第四十二条 extensions, each confirmed by a head."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.errors import Conflict, InvalidTransition, ValidationFailed
from yiwang.workflow import engine

from .. import clock
from ..models import (
    Case,
    Extension,
    Suspension,
)
from ._common import (
    DEADLINE_FIELDS,
    RESUME_FIELDS,
    _calendar,
    _locked,
    _record,
    _require_lead_head,
    _resume_clock,
    _save,
    _tell_applicant,
    _today,
)

MAX_SUSPENSION_DAYS = 250


@transaction.atomic
def case_suspension_request(*, actor, case: Case, reason: str, note: str, expected_days: int | None) -> Suspension:
    """The lead department's reviewer asks to stop the clock for a 第四十五条 procedure, saying how many working days
    it will take (the applicant is told in writing); the department head confirms."""
    if reason not in Suspension.ARTICLE_45:
        raise ValidationFailed(fields={"reason": [_("须为行政许可法第四十五条规定的特别程序")]})
    if expected_days is None or not 1 <= expected_days <= MAX_SUSPENSION_DAYS:
        raise ValidationFailed(
            fields={"expected_days": [_("请填写所需时间：1 到 %(n)d 个工作日") % {"n": MAX_SUSPENSION_DAYS}]}
        )
    case = _locked(case, actor, "request_suspension")
    if case.status != Case.Status.UNDER_REVIEW:
        raise InvalidTransition(_("只有审查中的办件可以申请中止计时"))
    request = Suspension.objects.create(
        case=case, reason=reason, note=note.strip(), requested_by=actor, expected_days=expected_days
    )
    _record(
        case,
        actor=actor,
        action="suspension_request",
        note=_("%(r)s：%(n)s（预计 %(d)d 个工作日）")
        % {"r": request.get_reason_display(), "n": request.note, "d": expected_days},
    )
    return request


@transaction.atomic
def case_suspension_approve(*, actor, suspension: Suspension) -> Case:
    case = _locked(suspension.case, actor, "approve")
    _require_lead_head(case, actor)
    suspension = Suspension.objects.select_for_update().get(pk=suspension.pk)
    if suspension.approved_by_id:
        raise Conflict(_("该中止申请已批准"))
    moved = case.move("suspend")
    suspension.approved_by, suspension.started_on = actor, _today()
    suspension.expected_end_on = (
        _calendar(case).add_working_days(suspension.started_on, suspension.expected_days).date
        if suspension.expected_days
        else None
    )
    suspension.save(update_fields=["approved_by", "started_on", "expected_end_on"])
    case.suspended_since = suspension.started_on
    _save(case, "status", "suspended_since")
    _record(
        case, actor=actor, action="suspend", moved=moved, note=suspension.get_reason_display(), event="case.suspended"
    )
    _tell_applicant(
        case,
        _("特别程序期间计时中止"),
        _(
            "%(r)s预计需要 %(n)d 个工作日（至 %(d)s），所需时间不计入办理时限（行政许可法第四十五条）。书面告知书可在办件页面下载。"
        )
        % {"r": suspension.get_reason_display(), "n": suspension.expected_days or 0, "d": suspension.expected_end_on},
    )
    return case


@transaction.atomic
def case_resume(*, actor, case: Case) -> Case:
    case = _locked(case, actor, "resume")
    moved = case.move("resume")
    _resume_clock(case)
    _save(case, "status", *RESUME_FIELDS)
    _record(
        case,
        actor=actor,
        action="resume",
        moved=moved,
        note=_("新的办结期限 %(d)s") % {"d": case.due_on},
        event="case.resumed",
    )
    return case


@transaction.atomic
def case_extension_request(*, actor, case: Case, reason: str) -> Extension:
    """第四十二条, once: 10 working days for a case handled by one organ, 15 for 统一、联合 or 集中办理; the kind
    follows the case's process (engine.is_joint), never its number of departments."""
    if not reason.strip():
        raise ValidationFailed(fields={"reason": [_("延期必须说明理由")]})
    case = _locked(case, actor, "request_extension")
    if case.status not in (Case.Status.UNDER_REVIEW, Case.Status.SUSPENDED):
        raise InvalidTransition(_("只有审查中的办件可以申请延期"))
    if Extension.objects.filter(case=case).exists():
        raise InvalidTransition(_("依法只能延期一次"))
    joint = engine.is_joint(case)
    days = clock.JOINT_EXTENSION_DAYS if joint else clock.EXTENSION_DAYS
    extension = Extension.objects.create(case=case, days=days, joint=joint, reason=reason.strip(), requested_by=actor)
    _record(case, actor=actor, action="extension_request", note=extension.reason, data={"days": days, "joint": joint})
    return extension


@transaction.atomic
def case_extension_approve(*, actor, extension: Extension) -> Case:
    """第四十二条第一款: the organ's own head approves; 第二款 (joint handling): 本级人民政府负责人."""
    if extension.joint:
        case = _locked(extension.case, actor, "approve_joint_extension")
    else:
        case = _locked(extension.case, actor, "approve")
        _require_lead_head(case, actor)
    extension = Extension.objects.select_for_update().get(pk=extension.pk)
    if extension.approved_by_id:
        raise Conflict(_("该延期已批准"))
    extension.approved_by, extension.approved_at = actor, timezone.now()
    extension.save(update_fields=["approved_by", "approved_at"])
    case.extension_days = extension.days
    clock.refresh_deadlines(case, _calendar(case))
    _save(case, "extension_days", *DEADLINE_FIELDS)
    _record(
        case,
        actor=actor,
        action="extend",
        note=_("延长 %(n)d 个工作日，新的期限 %(d)s") % {"n": extension.days, "d": case.due_on},
        event="case.extended",
    )
    _tell_applicant(case, _("办理期限依法延长"), extension.reason)
    return case
