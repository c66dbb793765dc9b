"""Penalties (行政处罚) and what follows from them: a credit record, and a revoked licence whose issuer is told.

Which credit list a penalty puts the entity on: the serious-dishonesty list (严重违法失信名单) when the
penalty revokes a licence or is marked serious (情节严重), for three years (《市场监督管理严重违法失信名单管理办法》
第二条、第二十条); otherwise the abnormal-operation list, so that the entity's next applications are
flagged for a reviewer's look, with no end date until it is repaired (信用修复). The platform's credit store
knows only those lists and the red list, and a penalty must leave a trace there (审管联动).
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from yiwang.coordination.services import department_staff
from yiwang.core.audit import audit_record
from yiwang.core.errors import Conflict, NotFound, ValidationFailed
from yiwang.core.events import emit
from yiwang.core.notifications import notify
from yiwang.core.permissions import restrict
from yiwang.credit.services import credit_record_add
from yiwang.licences.models import Licence
from yiwang.licences.services import licence_revoke
from yiwang.org.models import Department

from .models import Penalty

SERIOUS_LIST_YEARS = 3


def _three_years_on(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + SERIOUS_LIST_YEARS)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + SERIOUS_LIST_YEARS, day=28)


def _may_enforce(actor, department: Department) -> bool:
    return restrict(Department.objects.filter(pk=department.pk), actor, "inspect").exists()


def _validated(*, entity, number, facts, legal_basis, kinds, amount, decided_on, revoke_licence) -> dict:
    errors: dict[str, list[str]] = {}
    kinds = list(dict.fromkeys(kinds or []))
    if revoke_licence is not None and Penalty.Kind.REVOKE_LICENCE not in kinds:
        kinds.append(Penalty.Kind.REVOKE_LICENCE)
    if not (number or "").strip():
        errors["number"] = [_("请填写处罚决定书文号")]
    if not (facts or "").strip():
        errors["facts"] = [_("请写明违法事实")]
    if not (legal_basis or "").strip():
        errors["legal_basis"] = [_("请写明处罚依据")]
    if not kinds or any(k not in Penalty.Kind.values for k in kinds):
        errors["kinds"] = [_("请选择处罚种类")]
    if decided_on is None:
        errors["decided_on"] = [_("请填写决定日期")]
    if amount not in (None, ""):
        try:
            amount = Decimal(str(amount))
        except InvalidOperation:
            amount = None
            errors["amount"] = [_("罚款金额须为数字")]
        else:
            if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e12"):
                errors["amount"] = [_("罚款金额须大于零")]
    else:
        amount = None
    if Penalty.Kind.FINE in kinds and amount is None and "amount" not in errors:
        errors["amount"] = [_("处以罚款的，须填写罚款金额")]
    if Penalty.Kind.REVOKE_LICENCE in kinds:
        if revoke_licence is None:
            errors["licence"] = [_("吊销许可证件的，须选择被吊销的证照")]
        elif revoke_licence.holder_entity_id != entity.pk:
            errors["licence"] = [_("该证照不属于当事人")]
        elif revoke_licence.status != Licence.Status.VALID:
            errors["licence"] = [_("该证照已%(s)s，不能吊销") % {"s": revoke_licence.get_status_display()}]
    if errors:
        raise ValidationFailed(fields=errors)
    return {"kinds": kinds, "amount": amount}


@transaction.atomic
def penalty_record(
    *,
    actor,
    entity,
    department: Department,
    number: str,
    facts: str,
    legal_basis: str,
    kinds: list[str],
    decided_on: dt.date,
    amount=None,
    serious: bool = False,
    revoke_licence: Licence | None = None,
) -> Penalty:
    """Record a penalty decided by the actor's department; list the entity; revoke the licence it takes away."""
    if not _may_enforce(actor, department):
        raise NotFound()
    clean = _validated(
        entity=entity,
        number=number,
        facts=facts,
        legal_basis=legal_basis,
        kinds=kinds,
        amount=amount,
        decided_on=decided_on,
        revoke_licence=revoke_licence,
    )
    number = number.strip()
    if Penalty.objects.filter(number=number).exists():
        raise Conflict(_("处罚决定书文号 %(n)s 已录入") % {"n": number})
    penalty = Penalty.objects.create(
        number=number,
        entity=entity,
        department=department,
        facts=facts.strip(),
        legal_basis=legal_basis.strip(),
        kinds=clean["kinds"],
        amount=clean["amount"],
        decided_on=decided_on,
        serious=serious,
        licence=revoke_licence,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    severe = serious or revoke_licence is not None
    record = credit_record_add(
        actor=actor,
        entity=entity,
        list_kind="serious" if severe else "abnormal",
        department=department,
        basis=penalty.legal_basis,
        reason=_("行政处罚（%(n)s）：%(k)s") % {"n": number, "k": "、".join(penalty.kind_labels)},
        starts_on=decided_on,
        ends_on=_three_years_on(decided_on) if severe else None,
        source=penalty,
    )
    if revoke_licence is not None:
        # The penalising department holds the power to revoke by this decision, which may be another
        # department's licence; the licence service is asked on the decision's authority, not the inspector's
        # own reach over the issuer's licences. The actor is in this transaction's penalty audit entry.
        licence_revoke(
            actor=None,
            licence=revoke_licence,
            reason=_("依行政处罚决定书 %(n)s 吊销：%(f)s") % {"n": number, "f": penalty.facts},
            basis=penalty.legal_basis[:200],
        )
        for user in department_staff(revoke_licence.department):
            notify(
                user=user,
                title=_("贵部门核发的证照已被吊销：%(l)s") % {"l": revoke_licence.number},
                body=_("%(d)s 以行政处罚决定书 %(n)s 吊销了 %(e)s 的%(t)s。")
                % {
                    "d": department,
                    "n": number,
                    "e": entity.name,
                    "t": revoke_licence.licence_type.name,
                },
                url=reverse("supervision:penalties"),
            )
    data = {
        "number": number,
        "uscc": entity.uscc,
        "department_id": department.pk,
        "kinds": clean["kinds"],
        "amount": str(clean["amount"]) if clean["amount"] is not None else None,
        "decided_on": decided_on.isoformat(),
        "serious": severe,
        "licence": revoke_licence.number if revoke_licence is not None else None,
        "credit_record_id": record.pk,
    }
    audit_record(actor=actor, action="penalty.record", target=penalty, data=data)
    emit("penalty.recorded", {"penalty_id": penalty.pk, **data})
    return penalty
