"""Every change to credit: records in and repaired, and the check a case passes at acceptance and at decision.

`credit_evaluate` is the pure read both the check and the pages use: one indexed query for the entity's
records in force, and only when there is one, one query for the rules that could match them."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.audit import audit_record
from yiwang.core.errors import InvalidTransition, NotFound, ValidationFailed
from yiwang.core.events import emit
from yiwang.core.permissions import restrict
from yiwang.org.models import Department

from .models import Checkpoint, CreditRecord, CreditRule, Effect, ListKind, RuleHit

# Roles that may put an entity on a list or repair its record, for their own department.
RECORDING_ACTIONS = ("change", "inspect", "approve")


@dataclass(frozen=True)
class Hit:
    rule: CreditRule
    record: CreditRecord

    @property
    def effect(self) -> str:
        return self.rule.effect

    @property
    def reason(self) -> str:
        return hit_reason(self.rule, self.record)


def hit_reason(rule: CreditRule, record: CreditRecord) -> str:
    text = _("%(entity)s 于 %(day)s 被%(dept)s列入%(list)s（%(why)s）；依据「%(rule)s」：%(effect)s") % {
        "entity": record.entity.name,
        "day": record.starts_on,
        "dept": record.department.name,
        "list": record.get_list_kind_display(),
        "why": record.reason,
        "rule": rule.name,
        "effect": rule.get_effect_display(),
    }
    return f"{text}。{rule.basis}" if rule.basis else text


def _may_record(actor, department: Department) -> bool:
    """The system (a consumer turning a penalty into a record) or staff acting for that department."""
    if actor is None:
        return True
    departments = Department.objects.filter(pk=department.pk)
    return any(restrict(departments, actor, action).exists() for action in RECORDING_ACTIONS)


def credit_evaluate(entity, item, checkpoint: str, on: dt.date) -> list[Hit]:
    """The rules that hit the entity's records in force on that day for that item at that checkpoint."""
    if entity is None:
        return []
    records = list(
        CreditRecord.objects.active_on(on).filter(entity=entity).select_related("department").order_by("starts_on")
    )
    if not records:
        return []
    through = CreditRule.items.through
    rules = (
        CreditRule.objects.filter(active=True, list_kind__in={r.list_kind for r in records})
        .filter(**{"at_acceptance" if checkpoint == Checkpoint.ACCEPTANCE else "at_decision": True})
        .annotate(
            names_item=Exists(through.objects.filter(creditrule=OuterRef("pk"), serviceitem=item.pk)),
            names_any=Exists(through.objects.filter(creditrule=OuterRef("pk"))),
        )
        .order_by("code")
    )
    for record in records:
        record.entity = entity  # the reason text names the entity: the caller's row saves a query per record
    hits = []
    for rule in rules:
        unrestricted = not rule.names_any and not rule.item_kinds
        if not (unrestricted or rule.names_item or item.kind in rule.item_kinds):
            continue
        for record in records:
            if record.list_kind == rule.list_kind:
                hits.append(Hit(rule=rule, record=record))
    return hits


@transaction.atomic
def credit_record_add(
    *, actor, entity, list_kind: str, department, basis: str, reason: str, starts_on, ends_on=None, source=None
) -> CreditRecord:
    errors = {}
    if list_kind not in ListKind.values:
        errors["list_kind"] = [_("请选择红名单、经营异常名录或严重违法失信名单")]
    if not (basis or "").strip():
        errors["basis"] = [_("请写明认定依据")]
    if not (reason or "").strip():
        errors["reason"] = [_("请写明列入事由")]
    if starts_on is None:
        errors["starts_on"] = [_("请填写列入日期")]
    elif ends_on is not None and ends_on <= starts_on:
        errors["ends_on"] = [_("移出日期须晚于列入日期")]
    if errors:
        raise ValidationFailed(fields=errors)
    if not _may_record(actor, department):
        raise NotFound()
    record = CreditRecord.objects.create(
        entity=entity,
        list_kind=list_kind,
        department=department,
        basis=basis.strip(),
        reason=reason.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        source_type=ContentType.objects.get_for_model(source) if source is not None else None,
        source_id=str(source.pk) if source is not None else "",
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    data = {
        "record_id": record.pk,
        "uscc": entity.uscc,
        "list_kind": list_kind,
        "department_id": department.pk,
        "starts_on": str(starts_on),
        "ends_on": str(ends_on) if ends_on else None,
        "source": f"{record.source_type.model}:{record.source_id}" if source is not None else "",
    }
    audit_record(actor=actor, action="credit.record", target=record, data=data)
    emit("credit.recorded", data)
    return record


@transaction.atomic
def credit_record_repair(*, actor, record: CreditRecord, reason: str) -> CreditRecord:
    """信用修复: the record stays on file, marked repaired, and no rule counts it any more."""
    if not (reason or "").strip():
        raise ValidationFailed(fields={"reason": [_("请写明信用修复理由")]})
    found = restrict(CreditRecord.objects.all(), actor, "view").filter(pk=record.pk).values_list("pk", flat=True)
    record = CreditRecord.objects.select_for_update().filter(pk__in=list(found)).select_related("department").first()
    if record is None or not _may_record(actor, record.department):
        raise NotFound()
    if record.repaired_at is not None:
        raise InvalidTransition(_("该信用记录已于 %(d)s 修复") % {"d": timezone.localdate(record.repaired_at)})
    record.repaired_at, record.repair_reason, record.repaired_by = timezone.now(), reason.strip(), actor
    record.save(update_fields=["repaired_at", "repair_reason", "repaired_by"])
    data = {"record_id": record.pk, "uscc": record.entity.uscc, "list_kind": record.list_kind, "reason": reason}
    audit_record(actor=actor, action="credit.repair", target=record, data=data)
    emit("credit.repaired", data)
    return record


def credit_check(*, actor, case, checkpoint: str, enforce: bool = True) -> list[RuleHit]:
    """Evaluate every rule for the case's applicant at the checkpoint and record each hit on the case.

    With enforce, a "block" hit refuses the step (acceptance, or a grant) with a ValidationFailed naming the record
    and the rule; the caller's transaction rolls back, so a refused step changes nothing. The cases service
    passes enforce=False where the law leaves no choice (deemed acceptance) or the step is a refusal."""
    if checkpoint not in Checkpoint.values:
        raise ValueError(f"unknown checkpoint {checkpoint!r}")
    hits = credit_evaluate(case.applicant_entity, case.item, checkpoint, timezone.localdate())
    blocking = [h for h in hits if h.effect == Effect.BLOCK]
    if enforce and blocking:
        first = blocking[0]
        step = _("受理") if checkpoint == Checkpoint.ACCEPTANCE else _("准予许可")
        message = _("信用联合惩戒：不能%(step)s。%(reason)s") % {"step": step, "reason": first.reason}
        raise ValidationFailed(
            message,
            fields={"credit": [message]},
            subcode="credit_blocked",
            record=first.record.pk,
            rule=first.rule.code,
        )
    # No savepoint for the common case, an applicant with no hit: evaluating only reads.
    return _record_hits(actor=actor, case=case, checkpoint=checkpoint, hits=hits) if hits else []


@transaction.atomic
def _record_hits(*, actor, case, checkpoint: str, hits: list[Hit]) -> list[RuleHit]:
    recorded = []
    for hit in hits:
        row, created = RuleHit.objects.get_or_create(
            case=case,
            rule=hit.rule,
            record=hit.record,
            checkpoint=checkpoint,
            defaults={"effect": hit.effect, "reason": hit.reason},
        )
        recorded.append(row)
        if created:
            audit_record(
                actor=actor,
                action="credit.hit",
                target=case,
                data={
                    "number": case.number,
                    "rule": hit.rule.code,
                    "record_id": hit.record.pk,
                    "checkpoint": checkpoint,
                    "effect": hit.effect,
                },
            )
    return recorded
