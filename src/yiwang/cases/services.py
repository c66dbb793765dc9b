"""Every change to a case. Keyword-only, actor explicit; each runs in one transaction that locks the case,
moves its state through the model's guard, writes the timeline, the audit entry and the events together."""

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.accounts.models import Entity, Person
from yiwang.catalog.forms_schema import lock_prefilled, prefill_values, submission_errors
from yiwang.catalog.models import ItemImplementation, MaterialSpec
from yiwang.core.audit import audit_record
from yiwang.core.calendar import WorkCalendar
from yiwang.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from yiwang.core.events import emit
from yiwang.core.notifications import notify
from yiwang.core.permissions import can_do, restrict
from yiwang.core.storage import StoredFile
from yiwang.credit import services as credit
from yiwang.credit.models import Effect
from yiwang.licences.models import Licence
from yiwang.org.models import Department
from yiwang.workflow import engine
from yiwang.workflow.models import Task

from . import clock
from .delivery import clean_delivery
from .materials import DEFERRED_MATERIAL_DAYS, material_sources
from .models import (
    Case,
    CaseLog,
    CaseMaterial,
    CaseNumberCounter,
    CorrectionNotice,
    Extension,
    SupervisionOrder,
    Suspension,
)

# No statute caps a 第四十五条 procedure; a year of working days catches a typing slip, not a legal limit.
MAX_SUSPENSION_DAYS = 250

REMEDIES = _(
    "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。"
)


def _today() -> dt.date:
    return timezone.localdate()


def _calendar(case: Case) -> WorkCalendar:
    return WorkCalendar(case.region)


def _locked(case: Case, actor, action: str) -> Case:
    """The case, locked for this transaction, if the actor may act on it; otherwise the same 404 as missing."""
    # OF self: without it PostgreSQL also locks the joined region, department and item rows, and every
    # case of a district would queue behind one another on them.
    queryset = Case.objects.select_for_update(of=("self",))
    if action == "applicant":
        found = applicant_cases(actor).filter(pk=case.pk).values_list("pk", flat=True).first()
    else:
        found = restrict(Case.objects.all(), actor, action).filter(pk=case.pk).values_list("pk", flat=True).first()
    if found is None:
        raise NotFound()
    return queryset.select_related("region", "department", "version", "item").get(pk=found)


def _require_lead_head(case: Case, actor) -> None:
    """Only the lead department's head confirms its extensions and suspensions, not an assisting one's."""
    if not restrict(Department.objects.filter(pk=case.department_id), actor, "approve").exists():
        raise NotFound()


def applicant_cases(actor):
    """Cases the actor applied for, as the person, as an entity's agent, or as the submitting agent."""
    if actor is None or not actor.is_authenticated:
        return Case.objects.none()
    mine = (
        Case.objects.filter(submitted_by=actor)
        | Case.objects.filter(applicant_person__user=actor)
        | Case.objects.filter(applicant_entity__in=Entity.objects.acting_for(actor))
    )
    return Case.objects.filter(pk__in=mine.values("pk"))


def _record(
    case: Case,
    *,
    actor,
    action: str,
    moved: tuple[str, str] | None = None,
    note: str = "",
    event: str | None = None,
    data: dict | None = None,
) -> None:
    before, after = moved or ("", "")
    CaseLog.objects.create(
        case=case,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=str(actor) if actor else _("系统"),
        action=action,
        status_from=before,
        status_to=after,
        note=note,
    )
    audit_record(
        actor=actor,
        action=f"case.{action}",
        target=case,
        data={"number": case.number, "from": before, "to": after, "note": note, **(data or {})},
    )
    if event:
        emit(event, {"case": case.number, "case_id": case.pk, "status": case.status, **(data or {})})


def _applicant_user(case: Case):
    """Whose inbox hears about the case: never the clerk who typed in a walk-in's application."""
    if case.applicant_person_id:
        return case.applicant_person.user
    if case.channel == Case.Channel.ONLINE:
        return case.submitted_by
    return case.applicant_entity.agents_in_force().order_by("pk").first()


def _tell_applicant(case: Case, title: str, body: str = "") -> None:
    notify(user=_applicant_user(case), title=f"{case.number} {title}", body=body, url=f"/cases/{case.number}/")


def _next_number(region, day: dt.date) -> str:
    counter, _created = CaseNumberCounter.objects.select_for_update().get_or_create(region=region, day=day)
    CaseNumberCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return f"{region.code}-{day:%Y%m%d}-{counter.last:05d}"


def _may_apply_for(actor, *, person: Person | None, entity: Entity | None) -> bool:
    if can_do(actor, "window_intake"):
        return True
    if entity is not None:
        return entity.has_agent(actor)
    return person is not None and person.user_id == actor.pk


def _material_check(
    version,
    uploads: dict[int, tuple[StoredFile | None, str]],
    provided: str,
    *,
    person: Person | None,
    entity: Entity | None,
    deferred: frozenset[int] = frozenset(),
    commitments: frozenset[int] = frozenset(),
) -> tuple[list[CaseMaterial], dict[str, list[str]]]:
    """The case's material rows (unsaved, without their case) from uploads by spec id, every 免提交 material
    drawn; and the problems, all of them, so they can be told together with the form's.

    At a window a material may be paper with no scan: its entry is (None, ""). A commitment (告知承诺) stands in
    for a material the catalog allows it for; a deferred one (容缺) is accepted now and supplied later, which
    acceptance checks against the catalog and the applicant's credit.
    """
    known = set(version.materials.values_list("pk", flat=True))
    if (set(uploads) | deferred | commitments) - known:
        return [], {"materials": [_("上传的材料不属于本事项")]}
    missing, problems, rows = [], [], []
    for source in material_sources(version, person=person, entity=entity):
        spec = source.spec
        if source.licence is not None:
            note = _("免提交：已调取电子证照 %(n)s") % {"n": source.licence.number}
            rows.append(
                CaseMaterial(spec=spec, provided=CaseMaterial.Provided.LICENCE, licence=source.licence, note=note)
            )
        elif source.refusal:
            problems.append(source.refusal)
        elif spec.is_exempt:
            kind = (
                CaseMaterial.Provided.LICENCE
                if spec.source == MaterialSpec.Source.LICENCE
                else CaseMaterial.Provided.SHARED
            )
            rows.append(CaseMaterial(spec=spec, provided=kind, note=_("免提交：由平台调取")))
        elif spec.pk in commitments:
            if not spec.commitment:
                problems.append(_("《%(m)s》不适用告知承诺，须提交材料") % {"m": spec.name})
                continue
            note = _("申请人已书面承诺符合要求（告知承诺制）")
            rows.append(CaseMaterial(spec=spec, provided=CaseMaterial.Provided.COMMITMENT, note=note))
        elif spec.pk in uploads and uploads[spec.pk][0] is None:
            if provided != CaseMaterial.Provided.WINDOW:
                problems.append(_("《%(m)s》：网上申报须上传材料文件") % {"m": spec.name})
                continue
            rows.append(CaseMaterial(spec=spec, provided=provided, note=_("窗口收取纸质材料")))
        elif spec.pk in uploads:
            stored, filename = uploads[spec.pk]
            rows.append(
                CaseMaterial(
                    spec=spec,
                    provided=provided,
                    file_key=stored.key,
                    filename=filename,
                    content_type=stored.content_type,
                    size=stored.size,
                )
            )
        elif spec.pk in deferred:
            note = _("容缺受理：受理后限期补齐")
            rows.append(CaseMaterial(spec=spec, provided=CaseMaterial.Provided.DEFERRED, note=note))
        elif spec.required:
            missing.append(spec.name)
    if missing and provided == CaseMaterial.Provided.UPLOADED:
        problems.insert(0, _("缺少必需材料：%s") % "、".join(missing))
    return rows, ({"materials": problems} if problems else {})


def _merge(errors: dict[str, list[str]], more: dict[str, list[str]]) -> dict[str, list[str]]:
    for name, problems in more.items():
        errors.setdefault(name, []).extend(problems)
    return errors


def submission_problems(
    *,
    implementation: ItemImplementation,
    form_data: dict,
    person: Person | None,
    entity: Entity | None,
    uploads: dict[int, tuple[StoredFile | None, str]] | None = None,
    commitments=(),
) -> dict[str, list[str]]:
    """Every error case_submit would give this online application, form and materials together; writes nothing.

    A page whose own form parsing already failed calls this, so the applicant still hears everything at once."""
    version = implementation.item.current_version
    form_data = lock_prefilled(version.form_schema, form_data, prefill_values(person=person, entity=entity))
    errors = submission_errors(version.form_schema, form_data)
    _rows, material_errors = _material_check(
        version,
        uploads or {},
        CaseMaterial.Provided.UPLOADED,
        person=person,
        entity=entity,
        commitments=frozenset(commitments),
    )
    return _merge(errors, material_errors)


@transaction.atomic
def case_submit(
    *,
    actor,
    implementation: ItemImplementation,
    form_data: dict,
    person: Person | None = None,
    entity: Entity | None = None,
    uploads: dict[int, tuple[StoredFile | None, str]] | None = None,
    channel: str = Case.Channel.ONLINE,
    window=None,
    delivery_method: str = Case.Delivery.ONLINE,
    idempotency_key: str = "",
    commitments=(),
    deferred=(),
    delivery_recipient: str = "",
    delivery_phone: str = "",
    delivery_address: str = "",
    pickup_center=None,
    incomplete_form: bool = False,
) -> Case:
    """Submit an application. With an Idempotency-Key, a repeat returns the first case unchanged.

    `commitments` are the materials the applicant replaces with a written commitment (告知承诺); `deferred` the
    ones a window clerk accepts to be supplied later (容缺受理), which only a window can do. Form and material
    errors are refused together, in one ValidationFailed. Identity fields of the form are taken from the
    register, whatever was sent. `incomplete_form` lets a window record a form that does not validate yet,
    to be corrected through the 一次性告知书 it issues at once; acceptance still requires a valid form."""
    if idempotency_key:
        first = Case.objects.filter(submitted_by=actor, idempotency_key=idempotency_key).first()
        if first is not None:
            if first.implementation_id != implementation.pk:
                raise Conflict(_("该幂等键已用于另一项申请"))
            return first
    if (person is None) == (entity is None):
        raise ValidationFailed(fields={"applicant": [_("请指定一个申请人（自然人或法人）")]})
    if not _may_apply_for(actor, person=person, entity=entity):
        raise PermissionDenied(_("您不能代表该申请人申报"))
    if deferred and channel != Case.Channel.WINDOW:
        raise ValidationFailed(fields={"materials": [_("容缺受理须由窗口当场决定")]})
    if incomplete_form and channel != Case.Channel.WINDOW:
        raise ValidationFailed(fields={"form": [_("只有窗口可以登记尚未填写完整的申请表")]})
    implementation = ItemImplementation.objects.select_related("item__current_version", "department__region").get(
        pk=implementation.pk
    )
    version = implementation.item.current_version
    if version is None or not implementation.active:
        raise ValidationFailed(fields={"implementation": [_("该事项当前不可申报")]})
    form_data = lock_prefilled(version.form_schema, form_data, prefill_values(person=person, entity=entity))
    errors = {} if incomplete_form else submission_errors(version.form_schema, form_data)
    provided = CaseMaterial.Provided.WINDOW if channel == Case.Channel.WINDOW else CaseMaterial.Provided.UPLOADED
    rows, material_errors = _material_check(
        version,
        uploads or {},
        provided,
        person=person,
        entity=entity,
        deferred=frozenset(deferred),
        commitments=frozenset(commitments),
    )
    region, today = implementation.department.region, _today()
    try:
        delivery = clean_delivery(
            method=delivery_method,
            region=region,
            channel=channel,
            recipient=delivery_recipient,
            phone=delivery_phone,
            address=delivery_address,
            pickup_center=pickup_center,
        )
    except ValidationFailed as invalid:
        _merge(errors, invalid.fields)
    if _merge(errors, material_errors):
        raise ValidationFailed(fields=errors)
    cal = WorkCalendar(region)
    acceptance = clock.acceptance_deadline(today, cal)
    case = Case(
        number=_next_number(region, today),
        item=implementation.item,
        version=version,
        implementation=implementation,
        department=implementation.department,
        region=region,
        applicant_person=person,
        applicant_entity=entity,
        submitted_by=actor,
        channel=channel,
        intake_window=window,
        **delivery,
        status=Case.Status.SUBMITTED,
        form_data=form_data,
        idempotency_key=idempotency_key,
        query_code=f"{secrets.randbelow(10**6):06d}",
        received_on=today,
        acceptance_due=acceptance.date,
        promised_days=implementation.promised_days_for(version),
        statutory_days=version.effective_statutory_days,
    )
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        # The same key raced in from a second request; the first one's case is the answer.
        return Case.objects.get(submitted_by=actor, idempotency_key=idempotency_key)
    for row in rows:
        row.case = case
    CaseMaterial.objects.bulk_create(rows)
    _record(
        case,
        actor=actor,
        action="submit",
        moved=("", case.status),
        event="case.submitted",
        note=_("受理期限 %(d)s") % {"d": case.acceptance_due},
    )
    _tell_applicant(
        case, _("已收到您的申请"), _("我们将在 %(d)s 前受理或一次性告知需补正的材料。") % {"d": case.acceptance_due}
    )
    return case


def case_request_correction(*, actor, case: Case, points: list[str]) -> CorrectionNotice:
    """一次告知: one notice listing every point; a second notice for the same submission is refused.

    At acceptance the notice is due within five working days of receipt; past them the law has accepted the
    case already (第三十二条第一款第（四）项). That acceptance is recorded first, in its own transaction, even if
    the clock sweep has not run, and the late notice is refused: it never undoes a deemed acceptance."""
    points = [p.strip() for p in points if p and p.strip()]
    if not points:
        raise ValidationFailed(fields={"points": [_("请逐条列明需要补正的全部内容")]})
    at_acceptance = case.status == Case.Status.SUBMITTED
    if at_acceptance:
        _refuse_after_deemed_acceptance(case, actor)
    return _request_correction(actor=actor, case=case, points=points, at_acceptance=at_acceptance)


def _refuse_after_deemed_acceptance(case: Case, actor) -> None:
    """Acceptance-stage acts (accept, refuse, one correction notice) end with the five working days: after them the
    law has accepted the case from the receipt (第三十二条第一款第（四）项), whether or not the sweep has run. That
    acceptance is recorded in its own transaction, which the refusal raised here does not roll back."""
    if not restrict(Case.objects.filter(pk=case.pk), actor, "accept").exists():
        raise NotFound()
    if _deem_if_overdue(case.pk, today=_today()):
        raise InvalidTransition(
            _("受理期限 %(d)s 已过，依法自收到申请材料之日起视为受理（行政许可法第三十二条），办件已进入审查")
            % {"d": case.acceptance_due}
        )


@transaction.atomic
def _request_correction(*, actor, case: Case, points: list[str], at_acceptance: bool) -> CorrectionNotice:
    case = _locked(case, actor, "accept" if at_acceptance else "request_correction")
    if at_acceptance and case.status != Case.Status.SUBMITTED:
        raise InvalidTransition(_("办件当前为「%(s)s」，请刷新") % {"s": case.get_status_display()})
    if case.corrections.filter(answered_at__isnull=True).exists():
        raise InvalidTransition(_("已发出补正告知，须待申请人补正后才能再次告知"))
    moved = case.move("request_correction")
    if moved[0] == Case.Status.UNDER_REVIEW:
        _suspend_clock(case, actor=actor, reason=Suspension.Reason.CORRECTION, note=_("审查中退回补正"))
    case.save()
    notice = CorrectionNotice.objects.create(case=case, points=points, issued_by=actor)
    _record(
        case, actor=actor, action="request_correction", moved=moved, note="；".join(points), event="case.correction"
    )
    _tell_applicant(case, _("请补正材料"), "；".join(points))
    return notice


@transaction.atomic
def case_resubmit(
    *, actor, case: Case, form_data: dict | None = None, uploads: dict[int, tuple[StoredFile, str]] | None = None
) -> Case:
    case = _locked(case, actor, "applicant")
    notice = case.corrections.filter(answered_at__isnull=True).first()
    errors: dict[str, list[str]] = {}
    if form_data is not None:
        schema = case.version.form_schema
        prefill = prefill_values(person=case.applicant_person, entity=case.applicant_entity)
        form_data = lock_prefilled(schema, form_data, prefill)
        errors = submission_errors(schema, form_data)
        case.form_data = form_data
    if uploads:
        replaced = set(uploads)
        case.materials.filter(spec_id__in=replaced).delete()
        CaseMaterial.objects.bulk_create(
            CaseMaterial(
                case=case,
                spec_id=spec_id,
                provided=CaseMaterial.Provided.UPLOADED,
                file_key=stored.key,
                filename=filename,
                content_type=stored.content_type,
                size=stored.size,
            )
            for spec_id, (stored, filename) in uploads.items()
        )
    on_file = set(case.materials.values_list("spec_id", flat=True))
    missing = [spec.name for spec in case.version.materials.filter(required=True) if spec.pk not in on_file]
    if missing:
        errors["materials"] = [_("缺少必需材料：%s") % "、".join(missing)]
    if errors:
        raise ValidationFailed(fields=errors)
    if notice:
        notice.answered_at = timezone.now()
        notice.save(update_fields=["answered_at"])
    returned = case.tasks.filter(status=Task.Status.RETURNED).order_by("-finished_at").first()
    if returned is not None:
        moved = case.move("return_to_review")
        _resume_clock(case)
        engine.reopen(case, returned, today=_today(), cal=_calendar(case))
        note = ""
    else:
        moved = case.move("resubmit")
        # 第三十二条: the corrected materials are a new receipt, with their own five days to accept or refuse.
        case.corrected_on = _today()
        case.acceptance_due = clock.acceptance_deadline(case.corrected_on, _calendar(case)).date
        case.warning = Case.Warning.GREEN
        note = _("受理期限 %(d)s") % {"d": case.acceptance_due}
    case.save()
    _record(case, actor=actor, action="resubmit", moved=moved, note=note, event="case.resubmitted")
    return case


def case_accept(*, actor, case: Case, window=None) -> Case:
    _refuse_after_deemed_acceptance(case, actor)
    return _accept_in_time(actor=actor, case=case, window=window)


@transaction.atomic
def _accept_in_time(*, actor, case: Case, window=None) -> Case:
    case = _locked(case, actor, "accept")
    # A window may have recorded an incomplete form to issue its correction notice; no case is accepted so.
    form_errors = submission_errors(case.version.form_schema, case.form_data)
    if form_errors:
        raise ValidationFailed(_("申请表尚不完整，不能受理，请一次性告知补正"), fields=form_errors)
    return _accept(case, actor=actor, accepted_on=_today(), window=window)


def _accept(case: Case, *, actor, accepted_on: dt.date, window=None, deemed: bool = False) -> Case:
    moved = case.move("accept")
    # Joint punishment may refuse acceptance, except where the law deems the case accepted already.
    effects = {
        hit.effect for hit in credit.credit_check(actor=actor, case=case, checkpoint="acceptance", enforce=not deemed)
    }
    case.green_channel = Effect.FAST_TRACK in effects
    cal = _calendar(case)
    if not deemed:
        _check_waived_materials(case, effects)
    deferred = case.materials.filter(provided=CaseMaterial.Provided.DEFERRED)
    supply_by = cal.add_working_days(accepted_on, DEFERRED_MATERIAL_DAYS).date
    to_follow = "、".join(f"《{name}》" for name in deferred.values_list("spec__name", flat=True))
    deferred.update(due_on=supply_by)
    case.accepted_on, case.deemed_accepted = accepted_on, deemed
    case.intake_window = case.intake_window or window
    case.process = engine.current_definition(case.implementation)
    if engine.is_joint(case) and case.version.statutory_days is None:
        case.statutory_days = clock.JOINT_STATUTORY_DAYS
    clock.refresh_deadlines(case, cal)
    case.save()
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
    case.save()
    engine.start(case, today=_today(), cal=cal)
    _record(case, actor=actor, action="start_review", moved=moved)
    told = _("承诺 %(d)s 前办结。") % {"d": case.due_on}
    if to_follow:
        told += _("容缺受理：请于 %(d)s 前补齐%(m)s，补齐后方可准予许可。") % {"m": to_follow, "d": supply_by}
    _tell_applicant(case, _("已受理"), told)
    return case


def _check_waived_materials(case: Case, effects: set[str]) -> None:
    """容缺 and 告知承诺 are trust extended to the applicant: credit may withdraw it, and only the green channel
    extends 容缺 beyond the materials the catalog marks 可容缺 (国发〔2016〕33号：守信激励，绿色通道、容缺受理)."""
    waived = list(
        case.materials.filter(
            provided__in=(CaseMaterial.Provided.DEFERRED, CaseMaterial.Provided.COMMITMENT)
        ).select_related("spec")
    )
    if not waived:
        return
    names = "、".join(f"《{m.spec.name}》" for m in waived)
    if Effect.DENY_TOLERANCE in effects:
        message = _("信用联合惩戒：申请人不适用容缺受理和告知承诺，%(m)s须提交后方可受理。请一次性告知补正。") % {
            "m": names
        }
        raise ValidationFailed(message, fields={"materials": [message]})
    beyond = [m.spec.name for m in waived if m.provided == CaseMaterial.Provided.DEFERRED and not m.spec.tolerable]
    if beyond and not case.green_channel:
        message = _("%(m)s不属于可容缺材料；仅守信主体（绿色通道）可就任一材料容缺受理。") % {
            "m": "、".join(f"《{n}》" for n in beyond)
        }
        raise ValidationFailed(message, fields={"materials": [message]})


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
    case.save()
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


@transaction.atomic
def case_withdraw(*, actor, case: Case, reason: str = "") -> Case:
    case = _locked(case, actor, "applicant")
    moved = case.move("withdraw")
    case.closed_reason = reason.strip()
    case.tasks.filter(status__in=Task.OPEN_STATES).update(status=Task.Status.CANCELLED, finished_at=timezone.now())
    case.save()
    _record(case, actor=actor, action="withdraw", moved=moved, note=case.closed_reason, event="case.withdrawn")
    return case


def _locked_task(task: Task, actor) -> tuple[Case, Task]:
    """Lock the case first, then the task: every path that moves a case takes its locks in this order."""
    visible = restrict(Task.objects.all(), actor, "review").filter(pk=task.pk).values_list("case_id", flat=True).first()
    if visible is None:
        raise NotFound()
    case = (
        Case.objects.select_for_update(of=("self",)).select_related("region", "department", "version").get(pk=visible)
    )
    return case, Task.objects.select_for_update().get(pk=task.pk)


@transaction.atomic
def task_claim(*, actor, task: Task) -> Task:
    case, task = _locked_task(task, actor)
    if task.status != Task.Status.OPEN:
        raise Conflict(_("该任务已由%(who)s办理") % {"who": task.assignee or _("他人")})
    task.status, task.assignee = Task.Status.CLAIMED, actor
    task.save(update_fields=["status", "assignee"])
    _record(case, actor=actor, action="task_claim", note=str(task.department))
    return task


TASK_OUTCOMES = {
    "agree": Task.Status.AGREED,
    "disagree": Task.Status.DISAGREED,
    "return": Task.Status.RETURNED,
    "answer": Task.Status.ANSWERED,
}


@transaction.atomic
def task_complete(*, actor, task: Task, outcome: str, opinion: str, points: list[str] | None = None) -> Task:
    """A department's answer on its task. Concurrent answers: the first wins, the others get a Conflict."""
    if outcome not in TASK_OUTCOMES:
        raise ValidationFailed(fields={"outcome": [_("不是可选的审查结论")]})
    if not opinion.strip():
        raise ValidationFailed(fields={"opinion": [_("请填写审查意见")]})
    case, task = _locked_task(task, actor)
    if not task.is_open:
        raise Conflict(_("该任务已办结（%(s)s），请刷新") % {"s": task.get_status_display()})
    if task.status == Task.Status.CLAIMED and task.assignee_id != actor.pk:
        raise Conflict(_("该任务已由%(who)s签收办理") % {"who": task.assignee})
    if task.role == Task.Role.DECISION:
        raise InvalidTransition(_("审批决定请使用准予或不予许可"))
    if case.status != Case.Status.UNDER_REVIEW:
        raise InvalidTransition(_("办件当前为「%(s)s」，不能审查") % {"s": case.get_status_display()})
    allowed = {"answer"} if task.role == Task.Role.CONSULTED else {"agree", "disagree", "return"}
    if outcome not in allowed:
        raise ValidationFailed(fields={"outcome": [_("该任务不能作出此结论")]})
    if outcome == "return" and not restrict(Case.objects.filter(pk=case.pk), actor, "request_correction").exists():
        raise PermissionDenied(_("退回补正由牵头部门决定，请在审查意见中写明需补正的内容"))
    today = _today()
    if task.role == Task.Role.LEAD:
        waiting = case.tasks.filter(
            stage_position=task.stage_position, role=Task.Role.CONSULTED, status__in=Task.OPEN_STATES, due_on__gte=today
        )
        if waiting.exists():
            raise InvalidTransition(_("征求意见的部门尚未答复且未到答复期限"))
    task.status, task.assignee = TASK_OUTCOMES[outcome], task.assignee or actor
    task.opinion, task.finished_at = opinion.strip(), timezone.now()
    task.save()
    _record(
        case,
        actor=actor,
        action=f"task_{outcome}",
        note=f"{task.department}：{task.opinion}",
        data={"task": task.pk, "department": task.department_id},
    )
    if outcome == "return":
        case_points = points or [task.opinion]
        moved = case.move("request_correction")
        _suspend_clock(case, actor=actor, reason=Suspension.Reason.CORRECTION, note=task.opinion)
        case.save()
        CorrectionNotice.objects.create(case=case, points=case_points, issued_by=actor)
        _record(
            case,
            actor=actor,
            action="request_correction",
            moved=moved,
            note="；".join(case_points),
            event="case.correction",
        )
        _tell_applicant(case, _("请补正材料"), "；".join(case_points))
        return task
    engine.advance(case, task, today=today, cal=_calendar(case))
    return task


def _open_decision(case: Case) -> Task:
    """The case's open decision task, locked; a case already decided is a conflict for whoever comes second."""
    decision = case.tasks.select_for_update().filter(role=Task.Role.DECISION, status__in=Task.OPEN_STATES).first()
    if decision is None:
        if case.decided_at is not None:
            raise Conflict(_("该办件已作出决定（%(s)s），请刷新") % {"s": case.get_status_display()})
        raise InvalidTransition(_("各部门审查尚未完成，暂不能作出决定"))
    return decision


def _require_on_task(task: Task, actor, action: str) -> None:
    if not restrict(Task.objects.filter(pk=task.pk), actor, action).exists():
        raise NotFound()


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
    locked.save(update_fields=["proposed_grant", "proposal_reasons", "proposed_by", "proposed_at"])
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
        if not restrict(Task.objects.filter(pk=decision.pk), actor, "decide").exists():
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
    locked.save()
    decision.status, decision.assignee, decision.finished_at = Task.Status.DONE, actor, locked.decided_at
    decision.opinion = _("准予许可") if grant else reasons.strip()
    decision.save()
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


def _deliver(case: Case, *, actor, note: str, tracking_number: str = "") -> Case:
    moved = case.move("deliver")
    case.tracking_number = tracking_number
    case.delivered_at = timezone.now()
    case.save()
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
    case = Case.objects.select_for_update(of=("self",)).select_related("version", "item", "department").get(pk=case.pk)
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
    case.save()
    note = case.get_delivery_method_display()
    if case.delivery_method == Case.Delivery.POST:
        note += _("：%(r)s，%(a)s") % {"r": case.delivery_recipient, "a": case.delivery_address}
    elif case.pickup_center_id:
        note += _("：%(c)s") % {"c": case.pickup_center}
    _record(case, actor=actor, action="delivery_update", note=note, data={"method": case.delivery_method})
    if case.delivery_method == Case.Delivery.ONLINE:
        return case_deliver_electronically(case=case) or case
    return case


def _suspend_clock(case: Case, *, actor, reason: str, note: str, approver=None) -> Suspension:
    case.suspended_since = _today()
    return Suspension.objects.create(
        case=case, reason=reason, note=note, requested_by=actor, approved_by=approver, started_on=case.suspended_since
    )


def _resume_clock(case: Case) -> None:
    """Close the open suspension: its working days are added to the case's and its open tasks' deadlines."""
    open_period = case.suspensions.filter(ended_on__isnull=True, started_on__isnull=False).first()
    if open_period is None or case.suspended_since is None:
        return
    cal, today = _calendar(case), _today()
    days = max(cal.working_days_between(case.suspended_since, today).days, 0)
    open_period.ended_on, open_period.working_days = today, days
    open_period.save(update_fields=["ended_on", "working_days"])
    case.suspended_days += days
    case.suspended_since = None
    clock.refresh_deadlines(case, cal)
    for task in case.tasks.filter(status__in=Task.OPEN_STATES):
        task.due_on = cal.add_working_days(task.due_on, days).date
        task.save(update_fields=["due_on"])


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
    case.save()
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
    case.save()
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
    case.save()
    _record(
        case,
        actor=actor,
        action="extend",
        note=_("延长 %(n)d 个工作日，新的期限 %(d)s") % {"n": extension.days, "d": case.due_on},
        event="case.extended",
    )
    _tell_applicant(case, _("办理期限依法延长"), extension.reason)
    return case


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


def _deem_if_overdue(pk: int, *, today: dt.date) -> bool:
    """第三十二条第一款第（四）项: a submitted case not accepted, refused or sent a notice within its five days is
    accepted from the receipt of its materials, by the law, not by anyone; in its own transaction."""
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("region", "department", "version").get(pk=pk)
        if case.status != Case.Status.SUBMITTED or case.acceptance_due >= today:
            return False
        _accept(case, actor=None, accepted_on=case.acceptance_from, deemed=True)
        return True


def clock_sweep(*, today: dt.date | None = None) -> dict[str, int]:
    """The worker's periodic job: deemed acceptance (第三十二条) and warning levels on open cases and tasks, and
    on decided cases not yet delivered (第四十四条)."""
    today = today or _today()
    overdue = Case.objects.filter(status=Case.Status.SUBMITTED, acceptance_due__lt=today).values_list("pk", flat=True)
    deemed = sum(_deem_if_overdue(pk, today=today) for pk in list(overdue))
    changed = 0
    cals: dict[int, WorkCalendar] = {}
    for case in Case.objects.filter(status__in=Case.OPEN_STATES).select_related("region").iterator():
        cal = cals.setdefault(case.region_id, WorkCalendar(case.region))
        level = clock.case_warning(case, today, cal)
        if level != case.warning:
            Case.objects.filter(pk=case.pk).update(warning=level)
            changed += 1
    awaiting = Case.objects.filter(status__in=(Case.Status.GRANTED, Case.Status.DENIED), delivery_due__isnull=False)
    for case in awaiting.select_related("region").iterator():
        cal = cals.setdefault(case.region_id, WorkCalendar(case.region))
        level = clock.delivery_warning(case, today, cal)
        if level != case.warning:
            Case.objects.filter(pk=case.pk).update(warning=level)
            changed += 1
    for task in Task.objects.filter(status__in=Task.OPEN_STATES).select_related("case__region").iterator():
        cal = cals.setdefault(task.case.region_id, WorkCalendar(task.case.region))
        level = clock.task_warning(task, today, cal)
        if level != task.warning:
            Task.objects.filter(pk=task.pk).update(warning=level)
            changed += 1
    return {"deemed_accepted": deemed, "warnings_changed": changed}
