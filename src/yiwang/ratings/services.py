"""好差评: the applicant rates a delivered case; a bad rating opens a rectification the department answers."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.cases.models import Case
from yiwang.cases.services import applicant_cases
from yiwang.core.audit import audit_record
from yiwang.core.calendar import WorkCalendar
from yiwang.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from yiwang.core.events import emit
from yiwang.core.notifications import notify
from yiwang.core.permissions import restrict

from .models import BAD_SCORES, REASONS, Rating, Rectification

# Working days a department has to answer a bad rating.
RECTIFICATION_DAYS = 5


def _rateable(case: Case, actor, channel: str) -> Case:
    if channel == Rating.Channel.WINDOW:
        found = restrict(Case.objects.all(), actor, "accept").filter(pk=case.pk).first()
    else:
        found = applicant_cases(actor).filter(pk=case.pk).first()
    if found is None:
        raise NotFound()
    return found


@transaction.atomic
def rating_submit(
    *,
    actor,
    case: Case,
    score: int,
    reasons: list[str] | None = None,
    comment: str = "",
    channel: str = Rating.Channel.ONLINE,
) -> Rating:
    """Rate once, after delivery; online by the applicant, or at the window's tablet with the clerk present."""
    case = _rateable(case, actor, channel)
    if case.status != Case.Status.DELIVERED:
        raise InvalidTransition(_("办结送达后才能评价"))
    if score not in range(1, 6):
        raise ValidationFailed(fields={"score": [_("请选择 1 到 5 的评价等级")]})
    reasons = [r for r in (reasons or []) if r]
    unknown = [r for r in reasons if r not in {str(x) for x in REASONS}]
    if unknown:
        raise ValidationFailed(fields={"reasons": [_("不是可选的评价理由：%s") % "、".join(unknown)]})
    if score in BAD_SCORES and not (reasons or comment.strip()):
        raise ValidationFailed(fields={"comment": [_("差评请说明原因，便于部门整改")]})
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                case=case, score=score, reasons=reasons, comment=comment.strip(), channel=channel, rated_by=actor
            )
    except IntegrityError:
        raise Conflict(_("该办件已评价")) from None
    audit_record(actor=actor, action="rating.submit", target=rating, data={"case": case.number, "score": score})
    emit("rating.submitted", {"case": case.number, "score": score})
    if score in BAD_SCORES:
        due = WorkCalendar(case.region).add_working_days(timezone.localdate(), RECTIFICATION_DAYS).date
        Rectification.objects.create(rating=rating, department=case.department, due_on=due)
        audit_record(
            actor=actor,
            action="rating.rectification_open",
            target=rating,
            data={"case": case.number, "due_on": str(due)},
        )
    return rating


@transaction.atomic
def rectification_answer(*, actor, rectification: Rectification, answer: str) -> Rectification:
    if not answer.strip():
        raise ValidationFailed(fields={"answer": [_("请填写整改情况")]})
    mine = Rectification.objects.filter(pk=rectification.pk)
    found = (restrict(mine, actor, "review") | restrict(mine, actor, "approve")).first()
    if found is None:
        raise NotFound()
    rectification = (
        Rectification.objects.select_for_update(of=("self",)).select_related("rating__case").get(pk=found.pk)
    )
    if rectification.answered_at:
        raise Conflict(_("已答复"))
    rectification.answer, rectification.answered_by = answer.strip(), actor
    rectification.answered_at = timezone.now()
    rectification.save()
    case = rectification.rating.case
    audit_record(actor=actor, action="rating.rectification_answer", target=rectification, data={"case": case.number})
    notify(
        user=case.submitted_by,
        title=f"{case.number} 差评整改情况",
        body=rectification.answer,
        url=f"/cases/{case.number}/",
    )
    return rectification
