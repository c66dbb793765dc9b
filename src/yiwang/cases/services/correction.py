"""一次性告知: the one correction flow, at acceptance or returned from review, and the applicant's resubmission."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.catalog.forms_schema import lock_prefilled, prefill_values, submission_errors
from yiwang.core.errors import InvalidTransition, ValidationFailed
from yiwang.core.storage import StoredFile
from yiwang.workflow import engine
from yiwang.workflow.models import Task

from .. import clock
from ..models import (
    Case,
    CaseMaterial,
    CorrectionNotice,
    Suspension,
)
from ._common import (
    _calendar,
    _locked,
    _record,
    _resume_clock,
    _save,
    _suspend_clock,
    _tell_applicant,
    _today,
)
from .acceptance import _refuse_after_deemed_acceptance


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


@transaction.atomic
def _request_correction(*, actor, case: Case, points: list[str], at_acceptance: bool) -> CorrectionNotice:
    case = _locked(case, actor, "accept" if at_acceptance else "request_correction")
    if at_acceptance and case.status != Case.Status.SUBMITTED:
        raise InvalidTransition(_("办件当前为「%(s)s」，请刷新") % {"s": case.get_status_display()})
    return correction_issue(case, actor=actor, points=points, clock_note=_("审查中退回补正"))


def correction_issue(case: Case, *, actor, points: list[str], clock_note: str) -> CorrectionNotice:
    """The one 一次性告知 flow, on a case the caller has locked and may correct: at acceptance, or returned from
    review (where the notice also stops the clock until the applicant answers, noting `clock_note`)."""
    if case.corrections.filter(answered_at__isnull=True).exists():
        raise InvalidTransition(_("已发出补正告知，须待申请人补正后才能再次告知"))
    moved = case.move("request_correction")
    if moved[0] == Case.Status.UNDER_REVIEW:
        _suspend_clock(case, actor=actor, reason=Suspension.Reason.CORRECTION, note=clock_note)
    _save(case, "status", "suspended_since")
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
