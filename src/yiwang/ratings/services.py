"""好差评: the applicant rates a delivered case, online or at the window's tablet with a one-time code they
hold; a bad rating opens a rectification the department answers."""

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from yiwang.accounts import sms
from yiwang.accounts.identifiers import mask_phone
from yiwang.cases.models import Case
from yiwang.cases.selectors import applicant_cases
from yiwang.core.audit import audit_record
from yiwang.core.calendar import WorkCalendar
from yiwang.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from yiwang.core.events import emit
from yiwang.core.notifications import notify
from yiwang.core.permissions import restrict

from .models import BAD_SCORES, REASONS, Rating, RatingCode, Rectification

# Working days a department has to answer a bad rating.
RECTIFICATION_DAYS = 5
# A window rating code: how long it lives, how many digits, how many wrong tries void the case's live codes.
RATING_CODE_MINUTES = 30
RATING_CODE_DIGITS = 6
RATING_CODE_ATTEMPTS = 5


def _applicant_case(case: Case, actor) -> Case:
    """The case if the actor is its applicant. A clerk who registered a walk-in, or a 网格员 who applied at a
    resident's home, is its submitter, not its applicant: those channels do not count what the actor submitted for
    someone else."""
    found = (
        applicant_cases(actor)
        .exclude(channel__in=Case.ON_BEHALF_CHANNELS, submitted_by=actor)
        .select_related("applicant_person__user")
        .filter(pk=case.pk)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def _tablet_case(case: Case, actor) -> Case:
    """The case as the window's tablet sees it: the clerk's session, restricted like the desk."""
    found = (
        restrict(Case.objects.select_related("applicant_person__user", "submitted_by"), actor, "accept")
        .filter(pk=case.pk)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def _require_rateable(case: Case) -> None:
    if case.status != Case.Status.DELIVERED:
        raise InvalidTransition(_("办结送达后才能评价"))
    if Rating.objects.filter(case=case).exists():
        raise Conflict(_("该办件已评价"))


def _check_rating(case: Case, score: int, reasons: list[str], comment: str) -> list[str]:
    _require_rateable(case)
    if score not in range(1, 6):
        raise ValidationFailed(fields={"score": [_("请选择 1 到 5 的评价等级")]})
    reasons = [r for r in (reasons or []) if r]
    unknown = [r for r in reasons if r not in {str(x) for x in REASONS}]
    if unknown:
        raise ValidationFailed(fields={"reasons": [_("不是可选的评价理由：%s") % "、".join(unknown)]})
    if score in BAD_SCORES and not (reasons or comment.strip()):
        raise ValidationFailed(fields={"comment": [_("差评请说明原因，便于部门整改")]})
    return reasons


def _rate(case: Case, *, actor, rated_by, channel: str, score: int, reasons: list[str], comment: str) -> Rating:
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                case=case, score=score, reasons=reasons, comment=comment.strip(), channel=channel, rated_by=rated_by
            )
    except IntegrityError:
        raise Conflict(_("该办件已评价")) from None
    audit_record(
        actor=actor,
        action="rating.submit",
        target=rating,
        data={"case": case.number, "score": score, "channel": channel},
        shard_key=case,
    )
    emit("rating.submitted", {"case": case.number, "score": score})
    if score in BAD_SCORES:
        due = WorkCalendar(case.region).add_working_days(timezone.localdate(), RECTIFICATION_DAYS).date
        Rectification.objects.create(rating=rating, department=case.department, due_on=due)
        audit_record(
            actor=actor,
            action="rating.rectification_open",
            target=rating,
            data={"case": case.number, "due_on": str(due)},
            shard_key=case,
        )
    return rating


@transaction.atomic
def rating_submit(
    *,
    actor,
    case: Case,
    score: int,
    reasons: list[str] | None = None,
    comment: str = "",
) -> Rating:
    """Rate once, after delivery, online: the applicant only; staff never rate a case."""
    case = _applicant_case(case, actor)
    reasons = _check_rating(case, score, reasons or [], comment)
    return _rate(
        case, actor=actor, rated_by=actor, channel=Rating.Channel.ONLINE, score=score, reasons=reasons, comment=comment
    )


def _code_hash(case: Case, code: str) -> str:
    # Keyed with the site's secret: the table alone does not reveal a code, short as it is.
    return salted_hmac("yiwang.ratings.code", f"{case.pk}:{code}").hexdigest()


def _new_code(case: Case, holder=None) -> str:
    _require_rateable(case)
    code = f"{secrets.randbelow(10**RATING_CODE_DIGITS):0{RATING_CODE_DIGITS}d}"
    RatingCode.objects.create(
        case=case,
        holder=holder,
        code_hash=_code_hash(case, code),
        expires_at=timezone.now() + dt.timedelta(minutes=RATING_CODE_MINUTES),
    )
    return code


@transaction.atomic
def rating_code_issue(*, actor, case: Case) -> str:
    """A window rating code for the applicant, shown to them once on their own case page."""
    case = _applicant_case(case, actor)
    code = _new_code(case, holder=actor)
    audit_record(actor=actor, action="rating.code_issue", target=case, data={"case": case.number, "to": "page"})
    return code


def _applicant_phone(case: Case) -> str:
    person = case.applicant_person
    candidates = [
        person.user.phone if person and person.user else "",
        person.phone if person else "",
        case.submitted_by.phone if case.channel == Case.Channel.ONLINE else "",
        case.delivery_phone,
    ]
    return next((phone for phone in candidates if phone), "")


@transaction.atomic
def rating_code_send(*, actor, case: Case) -> str:
    """A window rating code sent by SMS to the applicant's phone on record, for an applicant at the window
    without their case page at hand; the clerk never sees it. Returns the masked number it went to."""
    case = _tablet_case(case, actor)
    phone = _applicant_phone(case)
    if not phone:
        raise ValidationFailed(fields={"phone": [_("没有申请人的手机号码；请申请人登录“我的办件”获取评价码")]})
    code = _new_code(case)
    audit_record(actor=actor, action="rating.code_issue", target=case, data={"case": case.number, "to": "sms"})
    text = _("【一网通办】您的办件 %(n)s 窗口评价码：%(c)s，%(m)d 分钟内有效，请在评价器上输入。请勿告诉他人。")
    transaction.on_commit(
        lambda: sms.send(phone, text % {"n": case.number, "c": code, "m": RATING_CODE_MINUTES}), robust=True
    )
    return mask_phone(phone)


def _redeem(case: Case, code: str) -> RatingCode:
    """The case's live code matching `code`, locked; a wrong code counts against every live one, in its own
    transaction so the count survives the refusal."""
    now = timezone.now()
    with transaction.atomic():
        live = RatingCode.objects.select_for_update().filter(
            case=case, used_at=None, expires_at__gt=now, attempts__lt=RATING_CODE_ATTEMPTS
        )
        wanted = _code_hash(case, code.strip())
        found = next((c for c in live if constant_time_compare(c.code_hash, wanted)), None)
        if found is None:
            live.update(attempts=F("attempts") + 1)
    if found is None:
        raise ValidationFailed(fields={"code": [_("评价码不正确或已失效，请申请人重新获取")]})
    return found


def rating_submit_with_code(
    *,
    actor,
    case: Case,
    code: str,
    score: int,
    reasons: list[str] | None = None,
    comment: str = "",
) -> Rating:
    """Rate at the window's tablet (the clerk's session, `actor`): only with a live code the applicant holds,
    once; the rating is the applicant's, through the window channel."""
    case = _tablet_case(case, actor)
    reasons = _check_rating(case, score, reasons or [], comment)
    used = _redeem(case, code)
    with transaction.atomic():
        used = RatingCode.objects.select_for_update().get(pk=used.pk)
        if used.used_at is not None:
            raise ValidationFailed(fields={"code": [_("评价码不正确或已失效，请申请人重新获取")]})
        used.used_at = timezone.now()
        used.save(update_fields=["used_at"])
        applicant = used.holder or (case.applicant_person.user if case.applicant_person else None)
        if applicant is None and case.channel == Case.Channel.ONLINE:
            applicant = case.submitted_by
        return _rate(
            case,
            actor=actor,
            rated_by=applicant,
            channel=Rating.Channel.WINDOW,
            score=score,
            reasons=reasons,
            comment=comment,
        )


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
    audit_record(
        actor=actor,
        action="rating.rectification_answer",
        target=rectification,
        data={"case": case.number},
        shard_key=case,
    )
    notify(
        user=case.submitted_by,
        title=f"{case.number} 差评整改情况",
        body=rectification.answer,
        url=f"/cases/{case.number}/",
    )
    return rectification
