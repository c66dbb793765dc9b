"""Every write of an evaluation round: set it up, open it for scoring, score, close it with totals and rankings.

Each runs in one transaction with its audit entry. Opening and closing lock the round row, and so does a score, so
no score lands in a round after the close that counted the scores.
"""

from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.audit import audit_record
from yiwang.core.errors import Conflict, NotFound, ValidationFailed
from yiwang.core.events import emit
from yiwang.core.permissions import allows, require
from yiwang.core.storage import store_uploaded_file
from yiwang.insights.periods import Period
from yiwang.org.models import StaffRole

from . import scoring
from .models import ComputedValue, EvaluationRound, Indicator, RoundSubject, Score
from .sources import compute
from .subjects import Reading, Subject

COMMENT_MAX = 2000


def _evaluators_reaching(region, users) -> set[int]:
    """Of `users`, those holding an active evaluator role whose reach covers the region."""
    return set(
        StaffRole.objects.filter(
            user__in=users, role=StaffRole.Role.EVALUATOR, active=True, region__in=region.ancestors_and_self()
        ).values_list("user_id", flat=True)
    )


@transaction.atomic
def round_create(*, actor, system, name: str, region, period: str, departments=(), districts=(), evaluators=()):
    """A draft round of `system` over departments and districts within `region` for `period`, with its evaluators."""
    if not allows(actor, "evaluation_manage", region):
        raise NotFound()
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("请填写评估轮次名称")]
    elif len(name) > 120:
        errors["name"] = [_("名称不能超过 120 个字")]
    try:
        period = str(Period.parse((period or "").strip()))
    except ValidationFailed as refused:
        errors["period"] = [refused.message]
    if not Indicator.objects.filter(dimension__system=system).exists():
        errors["system"] = [_("该指标体系尚无指标")]
    departments, districts, evaluators = list(departments), list(districts), list(evaluators)
    if not departments and not districts:
        errors["subjects"] = [_("请至少选择一个评估对象（部门或区划）")]
    outside = [d for d in departments if not d.region.is_within(region)]
    outside += [r for r in districts if r.pk == region.pk or not r.is_within(region)]
    if outside:
        errors["subjects"] = [_("评估对象须在组织区划之内：%(s)s") % {"s": "、".join(str(o) for o in outside)}]
    reaching = _evaluators_reaching(region, evaluators)
    strangers = [u for u in evaluators if u.pk not in reaching]
    if strangers:
        errors["evaluators"] = [
            _("以下人员不是本区划的第三方评估人员：%(u)s") % {"u": "、".join(str(u) for u in strangers)}
        ]
    if errors:
        raise ValidationFailed(fields=errors)
    found = EvaluationRound.objects.create(system=system, name=name, region=region, period=period, created_by=actor)
    RoundSubject.objects.bulk_create(
        [RoundSubject(round=found, department=d) for d in dict.fromkeys(departments)]
        + [RoundSubject(round=found, district=r) for r in dict.fromkeys(districts)]
    )
    found.evaluators.set(evaluators)
    audit_record(
        actor=actor,
        action="evaluation_round.create",
        target=found,
        data={
            "system": system.code,
            "region": region.code,
            "period": period,
            "departments": [d.code for d in departments],
            "districts": [r.code for r in districts],
            "evaluators": [u.username for u in evaluators],
        },
    )
    return found


def _locked(round_, actor, action: str) -> EvaluationRound:
    found = EvaluationRound.objects.select_for_update(of=("self",)).select_related("region", "system").get(pk=round_.pk)
    require(actor, action, found)
    return found


def _snapshot(found: EvaluationRound) -> int:
    """Read every computed indicator for every subject now, replacing what was read before."""
    period = Period.parse(found.period)
    indicators = list(Indicator.objects.filter(dimension__system=found.system, method=Indicator.Method.COMPUTED))
    now = timezone.now()
    rows = []
    for subject in found.subjects.select_related("department__region", "district"):
        reading = Reading(Subject(department=subject.department, region=subject.district), period)
        rows += [
            ComputedValue(subject=subject, indicator=i, value=compute(i.source, reading), computed_at=now)
            for i in indicators
        ]
    ComputedValue.objects.filter(subject__round=found).delete()
    ComputedValue.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def round_open(*, actor, round_) -> EvaluationRound:
    """Draft → scoring: the computed indicators are read as the evaluators will see them while they score."""
    found = _locked(round_, actor, "evaluation_manage")
    found.move("open")
    if not found.evaluators.exists():
        raise ValidationFailed(fields={"evaluators": [_("请先指定评估人员")]})
    found.opened_at = timezone.now()
    found.save(update_fields=["status", "opened_at"])
    values = _snapshot(found)
    audit_record(actor=actor, action="evaluation_round.open", target=found, data={"computed_values": values})
    return found


@transaction.atomic
def round_close(*, actor, round_) -> EvaluationRound:
    """Scoring → closed: the computed indicators are read once more, each subject's weighted total is written, and
    the departments and the districts are ranked, each among their own kind."""
    found = _locked(round_, actor, "evaluation_manage")
    found.move("close")
    found.closed_at = timezone.now()
    found.save(update_fields=["status", "closed_at"])
    _snapshot(found)
    indicators = list(Indicator.objects.filter(dimension__system=found.system).select_related("dimension"))
    weights = scoring.points(indicators)
    computed = defaultdict(dict)
    for subject_id, indicator_id, value in ComputedValue.objects.filter(subject__round=found).values_list(
        "subject_id", "indicator_id", "value"
    ):
        computed[subject_id][indicator_id] = value
    given = defaultdict(lambda: defaultdict(list))
    for subject_id, indicator_id, value in Score.objects.filter(subject__round=found).values_list(
        "subject_id", "indicator_id", "value"
    ):
        given[subject_id][indicator_id].append(value)
    subjects = {s.pk: s for s in found.subjects.all()}
    for subject in subjects.values():
        result = scoring.subject_result(indicators, weights, computed[subject.pk], given[subject.pk])
        subject.result = result.as_dict()
        subject.total = None if result.total is None else Decimal(str(result.total))
    for kind in ("department", "district"):
        of_kind = {s.pk: s.result["total"] for s in subjects.values() if s.kind == kind}
        for subject_id, rank in scoring.ranks(of_kind).items():
            subjects[subject_id].rank = rank
    RoundSubject.objects.bulk_update(subjects.values(), ["result", "total", "rank"])
    missing = sum(len(s.result["missing"]) for s in subjects.values())
    audit_record(
        actor=actor,
        action="evaluation_round.close",
        target=found,
        data={"totals": {str(pk): s.result["total"] for pk, s in subjects.items()}, "missing_scores": missing},
    )
    emit("evaluation_round.closed", {"round_id": found.pk, "system": found.system.code, "period": found.period})
    return found


def _value(text, indicator: Indicator) -> Decimal:
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(fields={"value": [_("得分须为数字")]}) from None
    if not value.is_finite() or value < 0 or value > indicator.max_score:
        raise ValidationFailed(fields={"value": [_("得分须在 0 到 %(m)s 之间") % {"m": indicator.max_score}]})
    if value != value.quantize(Decimal("0.01")):
        raise ValidationFailed(fields={"value": [_("得分最多保留两位小数")]})
    return value


@transaction.atomic
def score_save(*, actor, round_, subject: RoundSubject, indicator: Indicator, value, comment: str = "", evidence=None):
    """An assigned evaluator's score of a scored indicator for one subject (again: replaces their earlier one). A
    new evidence file (`evidence`, an uploaded file) replaces the earlier; without one the earlier stays."""
    found = _locked(round_, actor, "evaluate")
    if not found.evaluators.filter(pk=actor.pk).exists():
        raise NotFound()
    if subject.round_id != found.pk or indicator.dimension.system_id != found.system_id or indicator.computed:
        raise NotFound()
    if not found.scoring:
        raise Conflict(_("评估轮次不在评分阶段，不能评分"))
    value = _value(value, indicator)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed(fields={"comment": [_("评分说明不能超过 %(n)d 个字") % {"n": COMMENT_MAX}]})
    earlier = Score.objects.filter(subject=subject, indicator=indicator, evaluator=actor).first()
    if indicator.evidence_required and evidence is None and not (earlier and earlier.evidence_key):
        raise ValidationFailed(fields={"evidence": [_("该指标须上传佐证材料")]})
    fields = {"value": value, "comment": comment}
    if evidence is not None:
        stored = store_uploaded_file(actor=actor, file=evidence, field="evidence")
        fields.update(
            evidence_key=stored.key, evidence_name=stored.name or _("佐证材料"), evidence_type=stored.content_type
        )
    score, _created = Score.objects.update_or_create(
        subject=subject, indicator=indicator, evaluator=actor, defaults=fields
    )
    audit_record(
        actor=actor,
        action="evaluation.score",
        target=score,
        data={
            "round": found.pk,
            "subject": str(subject),
            "indicator": indicator.pk,
            "value": str(value),
            "evidence": score.evidence_key,
        },
    )
    return score
