"""Stage 2, acceptance (第三十二条): accept, refuse, or let the law accept a case whose five days ran out; 容缺
materials supplied after acceptance."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from yiwang.catalog.forms_schema import submission_errors
from yiwang.catalog.models import MaterialSpec
from yiwang.core.errors import InvalidTransition, ValidationFailed
from yiwang.core.permissions import can_do, require
from yiwang.core.storage import StoredFile
from yiwang.credit import services as credit
from yiwang.credit.models import Effect
from yiwang.workflow import engine

from .. import clock
from ..materials import DEFERRED_MATERIAL_DAYS
from ..models import (
    Case,
    CaseMaterial,
)
from ._common import (
    DEADLINE_FIELDS,
    LOCKED_CASE,
    _calendar,
    _locked,
    _record,
    _save,
    _tell_applicant,
    _today,
)


def case_accept(*, actor, case: Case, window=None) -> Case:
    _refuse_after_deemed_acceptance(case, actor)
    return _accept_in_time(actor=actor, case=case, window=window)


@transaction.atomic
def _accept_in_time(*, actor, case: Case, window=None) -> Case:
    case = _locked(case, actor, "accept")
    # A window may have recorded an incomplete form to issue its correction notice; no case is accepted so.
    form_errors = submission_errors(case.version.form_schema, case.form_data)
    if form_errors:
        raise ValidationFailed(
            _("申请表尚不完整，不能受理，请一次性告知补正"), fields=form_errors, subcode="form_incomplete"
        )
    return _accept(case, actor=actor, accepted_on=_today(), window=window)


def _accept(case: Case, *, actor, accepted_on: dt.date, window=None, deemed: bool = False) -> Case:
    moved = case.move("accept")
    # Joint punishment may refuse acceptance, except where the law deems the case accepted already.
    effects = {
        hit.effect for hit in credit.credit_check(actor=actor, case=case, checkpoint="acceptance", enforce=not deemed)
    }
    case.green_channel = Effect.FAST_TRACK in effects
    cal = _calendar(case)
    materials = list(case.materials.select_related("spec"))
    if not deemed:
        _check_waived_materials(case, effects, materials)
    deferred = [m for m in materials if m.provided == CaseMaterial.Provided.DEFERRED]
    supply_by = cal.add_working_days(accepted_on, DEFERRED_MATERIAL_DAYS).date
    to_follow = "、".join(f"《{m.spec.name}》" for m in deferred)
    if deferred:
        CaseMaterial.objects.filter(pk__in=[m.pk for m in deferred]).update(due_on=supply_by)
    case.accepted_on, case.deemed_accepted = accepted_on, deemed
    case.intake_window_id = case.intake_window_id or (window.pk if window else None)
    case.process = engine.current_definition(case.implementation_id)
    if engine.is_joint(case) and case.version.statutory_days is None:
        case.statutory_days = clock.JOINT_STATUTORY_DAYS
    clock.refresh_deadlines(case, cal)
    note = _("逾期未告知补正，依法自收到材料之日起视为受理") if deemed else _("办结期限 %(d)s") % {"d": case.due_on}
    if to_follow:
        note += _("；容缺受理：%(m)s须于 %(d)s 前补齐") % {"m": to_follow, "d": supply_by}
    _record(
        case,
        actor=actor,
        action="accept",
        moved=moved,
        note=note,
        event="case.accepted",
        data={"due_on": str(case.due_on), "provisional": case.due_provisional},
    )
    moved = case.move("start_review")
    # One write for both moves: nothing between them reads the row back.
    _save(
        case,
        "status",
        "green_channel",
        "accepted_on",
        "deemed_accepted",
        "intake_window",
        "process",
        "statutory_days",
        *DEADLINE_FIELDS,
    )
    engine.start(case, today=_today(), cal=cal)
    _record(case, actor=actor, action="start_review", moved=moved)
    told = _("承诺 %(d)s 前办结。") % {"d": case.due_on}
    if to_follow:
        told += _("容缺受理：请于 %(d)s 前补齐%(m)s，补齐后方可准予许可。") % {"m": to_follow, "d": supply_by}
    _tell_applicant(case, _("已受理"), told)
    return case


def _check_waived_materials(case: Case, effects: set[str], materials: list[CaseMaterial]) -> None:
    """容缺 and 告知承诺 are trust extended to the applicant: credit may withdraw it, and only the green channel
    extends 容缺 beyond the materials the catalog marks 可容缺 (国发〔2016〕33号：守信激励，绿色通道、容缺受理)."""
    waived = [m for m in materials if m.provided in (CaseMaterial.Provided.DEFERRED, CaseMaterial.Provided.COMMITMENT)]
    if not waived:
        return
    names = "、".join(f"《{m.spec.name}》" for m in waived)
    if Effect.DENY_TOLERANCE in effects:
        message = _("信用联合惩戒：申请人不适用容缺受理和告知承诺，%(m)s须提交后方可受理。请一次性告知补正。") % {
            "m": names
        }
        raise ValidationFailed(message, fields={"materials": [message]}, subcode="credit_denies_tolerance")
    beyond = [m.spec.name for m in waived if m.provided == CaseMaterial.Provided.DEFERRED and not m.spec.tolerable]
    if beyond and not case.green_channel:
        message = _("%(m)s不属于可容缺材料；仅守信主体（绿色通道）可就任一材料容缺受理。") % {
            "m": "、".join(f"《{n}》" for n in beyond)
        }
        raise ValidationFailed(message, fields={"materials": [message]}, subcode="material_not_tolerable")


def case_refuse_acceptance(*, actor, case: Case, reasons: str) -> Case:
    if not reasons.strip():
        raise ValidationFailed(fields={"reasons": [_("不予受理必须说明理由")]})
    _refuse_after_deemed_acceptance(case, actor)
    return _refuse_in_time(actor=actor, case=case, reasons=reasons)


@transaction.atomic
def _refuse_in_time(*, actor, case: Case, reasons: str) -> Case:
    case = _locked(case, actor, "accept")
    moved = case.move("refuse_acceptance")
    case.closed_reason = reasons.strip()
    _save(case, "status", "closed_reason")
    _record(case, actor=actor, action="refuse_acceptance", moved=moved, note=case.closed_reason, event="case.refused")
    _tell_applicant(case, _("不予受理"), case.closed_reason)
    return case


@transaction.atomic
def case_material_supply(
    *, actor, case: Case, spec: MaterialSpec, stored: StoredFile | None = None, filename: str = ""
) -> CaseMaterial:
    """A deferred (容缺) material supplied: uploaded by the applicant, or received at a window (scan or paper)."""
    # A clerk took in a walk-in's case as its submitter, so the window is told apart by role, not by authorship.
    at_window = can_do(actor, "window_intake")
    case = _locked(case, actor, "accept" if at_window else "applicant")
    if case.status not in Case.OPEN_STATES:
        raise InvalidTransition(_("办件已办结，不能再补齐材料"))
    row = case.materials.select_for_update().filter(spec=spec, provided=CaseMaterial.Provided.DEFERRED).first()
    if row is None:
        raise InvalidTransition(_("《%(m)s》不是待补齐的容缺材料") % {"m": spec.name})
    if stored is None and not at_window:
        raise ValidationFailed(fields={"materials": [_("请上传材料文件")]})
    late = row.due_on is not None and _today() > row.due_on
    row.provided = CaseMaterial.Provided.WINDOW if at_window else CaseMaterial.Provided.UPLOADED
    row.file_key, row.filename = (stored.key, filename) if stored else ("", "")
    row.content_type, row.size = (stored.content_type, stored.size) if stored else ("", 0)
    row.note = (_("容缺材料逾期补齐（期限 %(d)s）") if late else _("容缺材料已补齐（期限 %(d)s）")) % {"d": row.due_on}
    row.due_on = None
    row.save()
    _record(
        case,
        actor=actor,
        action="supply_material",
        note=f"《{spec.name}》{row.note}",
        event="case.material_supplied",
        data={"material": spec.name, "late": late},
    )
    return row


def _refuse_after_deemed_acceptance(case: Case, actor) -> None:
    """Acceptance-stage acts (accept, refuse, one correction notice) end with the five working days: after them the
    law has accepted the case from the receipt (第三十二条第一款第（四）项), whether or not the sweep has run. That
    acceptance is recorded in its own transaction, which the refusal raised here does not roll back."""
    require(actor, "accept", case)
    # A receipt's deadline only ever moves later (a resubmission is a new receipt), so the caller's copy of the
    # case, if not yet past it, spares the transaction that would look under lock.
    today = _today()
    if case.acceptance_due >= today:
        return
    if _deem_if_overdue(case.pk, today=today):
        raise InvalidTransition(
            _("受理期限 %(d)s 已过，依法自收到申请材料之日起视为受理（行政许可法第三十二条），办件已进入审查")
            % {"d": case.acceptance_due}
        )


def _deem_if_overdue(pk: int, *, today: dt.date) -> bool:
    """第三十二条第一款第（四）项: a submitted case not accepted, refused or sent a notice within its five days is
    accepted from the receipt of its materials, by the law, not by anyone; in its own transaction."""
    with transaction.atomic():
        case = LOCKED_CASE.get(pk)
        if case.status != Case.Status.SUBMITTED or case.acceptance_due >= today:
            return False
        _accept(case, actor=None, accepted_on=case.acceptance_from, deemed=True)
        return True
