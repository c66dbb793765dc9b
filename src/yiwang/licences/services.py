"""Every write on licences and seal keys: issue, revoke / annul / cancel, rotate and revoke seals, remind renewals.

Actions a consumer or the scheduler takes pass actor=None (recorded as "system").
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from yiwang.accounts.identifiers import mask_identity_number
from yiwang.catalog.models import LicenceType
from yiwang.core.audit import audit_record, case_key
from yiwang.core.errors import InvalidTransition, NotFound, ValidationFailed
from yiwang.core.events import emit
from yiwang.core.notifications import notify
from yiwang.core.permissions import restrict
from yiwang.org.models import Department
from yiwang.registry.services import entity_register, issues_business_licence

from . import signing
from .models import Licence, SealKey

# 行政许可法 第五十条: renewal is applied for 30 days before expiry; the reminder goes out 15 days before that.
RENEWAL_NOTICE_DAYS = 30
RENEWAL_MARGIN_DAYS = 15
LICENCE_SERIAL_DIGITS = 6
LICENCE_KIND_LENGTH = 10


def holder_id(licence: Licence) -> str:
    return licence.holder_entity.uscc if licence.holder_entity_id else licence.holder_person.id_number


def holder_public_code(licence: Licence) -> str:
    """The holder's code as printed: an entity's USCC in full, a person's identity number masked."""
    if licence.holder_entity_id:
        return licence.holder_entity.uscc
    return mask_identity_number(licence.holder_person.id_number)


def licence_canonical(licence: Licence) -> bytes:
    """The exact bytes the seal signed, rebuilt from the stored licence; published in its verification bundle."""
    return signing.canonical_json(
        signing.licence_payload(
            number=licence.number,
            type_code=licence.licence_type.code,
            type_name=licence.licence_type.name,
            holder_name=licence.holder.name,
            holder_code=holder_public_code(licence),
            department_code=licence.department.code,
            department_name=str(licence.department),
            issued_on=licence.issued_on,
            valid_until=licence.valid_until,
            signed_at=licence.signed_at,
            key_id=licence.seal_key.key_id,
            data=licence.data,
        )
    )


def seal_statement(key: SealKey) -> bytes:
    return signing.seal_statement(
        key_id=key.key_id,
        department_code=key.department.code,
        valid_from=key.valid_from,
        retired_at=key.retired_at,
        revoked_at=key.revoked_at,
        revocation_reason=key.revocation_reason,
    )


def _certify(key: SealKey) -> None:
    key.certificate = signing.root_certify(seal_statement(key))


def _now() -> dt.datetime:
    """Whole seconds: moments that are signed are stored as they are signed."""
    return timezone.now().replace(microsecond=0)


def _active_seal(department: Department) -> SealKey:
    """The department's signing key, created and certified by the root key on first use (a new department
    needs no setup step)."""
    key = SealKey.objects.select_for_update().filter(department=department, retired_at__isnull=True).first()
    if key is None:
        public_pem, private_encrypted = signing.new_key_pair()
        key = SealKey(
            department=department,
            public_key_pem=public_pem,
            private_key_encrypted=private_encrypted,
            key_id=signing.key_id(public_pem),
            valid_from=_now(),
        )
        _certify(key)
        key.save()
    return key


def licence_number(*, region_code: str, year: int, licence_type, serial: int) -> str:
    """A number a person can read aloud, type and file by: where, when, what, which — `440105-2026-SPJY-000123`.

    The issuing region's GB/T 2260 code and the year come first, so numbers sort by place and time; then the
    kind as the pinyin initials of the licence's name short of its 许可证 suffix, the way printed Chinese licence
    numbers name their kind (食品经营许可证 JY…, 食品生产许可证 SC…); then a serial per region, year and kind.
    Letters and digits only: the number sits in the QR code's URL and is typed into the verification page.
    """
    name = licence_type.name.removesuffix("许可证").removesuffix("证")
    kind = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).upper()[:LICENCE_KIND_LENGTH]
    return f"{region_code}-{year}-{kind}-{serial:0{LICENCE_SERIAL_DIGITS}d}"


def _next_licence_number(licence_type, department: Department, day: dt.date) -> str:
    LicenceType.objects.select_for_update().get(pk=licence_type.pk)
    prefix = licence_number(region_code=department.region.code, year=day.year, licence_type=licence_type, serial=0)
    prefix = prefix[:-LICENCE_SERIAL_DIGITS]
    last = (
        Licence.objects.filter(number__startswith=prefix, number__regex=rf"-\d{{{LICENCE_SERIAL_DIGITS}}}$")
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    serial = int(last[-LICENCE_SERIAL_DIGITS:]) + 1 if last else 1
    return f"{prefix}{serial:0{LICENCE_SERIAL_DIGITS}d}"


def _add_years(day: dt.date, years: int) -> dt.date:
    """The day before the same date `years` later (a 5-year licence from 2026-11-23 runs to 2031-11-22)."""
    try:
        same = day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        same = day.replace(year=day.year + years, day=28) + dt.timedelta(days=1)
    return same - dt.timedelta(days=1)


def _holder_users(licence: Licence) -> list:
    if licence.holder_entity_id:
        return list(licence.holder_entity.agents_in_force())
    user = licence.holder_person.user
    return [user] if user is not None else []


def _tell_holder(licence: Licence, title: str, body: str = "", url: str = "/licences/") -> None:
    for user in _holder_users(licence):
        notify(user=user, title=title, body=body, url=url)


@transaction.atomic
def licence_issue(*, actor, case) -> Licence:
    """Issue the licence of the case's item result; a second call for the same case returns the first."""
    existing = Licence.objects.filter(case=case).first()
    if existing is not None:
        return existing
    licence_type = case.version.result_licence_type
    if licence_type is None:
        raise ValidationFailed(fields={"case": [_("该事项的办理结果不是证照")]})
    if not case.granted:
        raise ValidationFailed(fields={"case": [_("只有准予许可的办件才能发证")]})
    issued_on = timezone.localdate()
    valid_until = _add_years(issued_on, licence_type.validity_years) if licence_type.validity_years else None
    holder_entity = case.applicant_entity
    if issues_business_licence(case):
        # A business licence belongs to the entity it registers, which does not exist yet when a founder
        # applied as a person: the register is written first (once per case), and the licence names it.
        holder_entity = entity_register(actor=actor, case=case)
    holder = holder_entity or case.applicant_person
    licence = Licence(
        number=_next_licence_number(licence_type, case.department, issued_on),
        licence_type=licence_type,
        case=case,
        holder_entity=holder_entity,
        holder_person=None if holder_entity else case.applicant_person,
        department=case.department,
        issued_on=issued_on,
        valid_until=valid_until,
        data={"holder_name": holder.name, "item": case.item.name, "details": case.result_data or {}},
    )
    _seal(licence)
    licence.save()
    audit_record(
        actor=actor,
        action="licence.issue",
        target=licence,
        data={"number": licence.number},
        shard_key=case_key(licence.case_id),
    )
    payload = {
        "licence": licence.number,
        "licence_id": licence.pk,
        "licence_type": licence_type.code,
        "case": case.number,
        "department_id": licence.department_id,
    }
    payload["holder_uscc" if licence.holder_entity_id else "holder_id_number"] = holder_id(licence)
    emit("licence.issued", payload)
    _tell_holder(
        licence,
        _("您的%(t)s已签发") % {"t": licence_type.name},
        _("证照编号 %(n)s，可在“我的证照”中查看、下载和核验。") % {"n": licence.number},
    )
    return licence


def _seal(licence: Licence) -> None:
    """Sign the licence's canonical bytes with its department's active seal key."""
    key = _active_seal(licence.department)
    licence.seal_key, licence.signed_at = key, max(_now(), key.valid_from)
    canonical = licence_canonical(licence)
    licence.digest = signing.sm3_hex(canonical)
    licence.signature = signing.sign(signing.load_private_key(key.private_key_encrypted), canonical)


@transaction.atomic
def licence_import(
    *,
    actor,
    licence_type,
    department: Department,
    number: str,
    issued_on: dt.date,
    valid_until: dt.date | None = None,
    entity=None,
    person=None,
    data: dict | None = None,
) -> Licence:
    """存量证照归集: a licence the department issued before the platform enters the store, under its seal, so it
    verifies and is drawn in as a material like one issued here. Importing the same number again returns it."""
    errors = {}
    if (entity is None) == (person is None):
        errors["holder"] = [_("请指定一个持证主体（法人或自然人）")]
    if not (number or "").strip():
        errors["number"] = [_("请填写证照编号")]
    if valid_until is not None and valid_until < issued_on:
        errors["valid_until"] = [_("有效期不能早于发证日期")]
    if errors:
        raise ValidationFailed(fields=errors)
    if actor is not None and not restrict(Department.objects.filter(pk=department.pk), actor, "approve").exists():
        raise NotFound()
    existing = Licence.objects.filter(number=number.strip()).first()
    if existing is not None:
        same = existing.holder_entity == entity and existing.holder_person == person
        if not same or existing.licence_type_id != licence_type.pk:
            raise ValidationFailed(fields={"number": [_("该证照编号已用于另一证照")]})
        return existing
    holder = entity or person
    licence = Licence(
        number=number.strip(),
        licence_type=licence_type,
        holder_entity=entity,
        holder_person=person,
        department=department,
        issued_on=issued_on,
        valid_until=valid_until,
        data={"holder_name": holder.name, "source": "存量证照归集", "details": data or {}},
    )
    _seal(licence)
    licence.save()
    audit_record(actor=actor, action="licence.import", target=licence, data={"number": licence.number})
    return licence


def _may_change(actor, licence: Licence) -> bool:
    if actor is None:
        return True
    query = Licence.objects.filter(pk=licence.pk)
    return any(restrict(query, actor, action).exists() for action in ("review", "inspect", "approve"))


def _change_status(*, actor, licence: Licence, target: str, reason: str, basis: str, action: str) -> Licence:
    if not reason or not reason.strip():
        raise ValidationFailed(fields={"reason": [_("须说明理由")]})
    limit = Licence._meta.get_field("status_basis").max_length
    if len((basis or "").strip()) > limit:
        raise ValidationFailed(fields={"basis": [_("依据不得超过 %(n)d 个字符") % {"n": limit}]})
    locked = Licence.objects.select_for_update().filter(pk=licence.pk).first()
    if locked is None or not _may_change(actor, locked):
        raise NotFound()
    before = locked.status
    locked.change_status(target)
    locked.status_reason, locked.status_basis = reason.strip(), basis.strip()
    locked.status_changed_at = timezone.now()
    locked.save(update_fields=["status", "status_reason", "status_basis", "status_changed_at"])
    audit_record(
        actor=actor,
        action=f"licence.{action}",
        target=locked,
        data={"number": locked.number, "from": before, "to": target, "reason": locked.status_reason, "basis": basis},
        shard_key=case_key(locked.case_id),
    )
    emit(
        f"licence.{target}",
        {
            "licence": locked.number,
            "licence_id": locked.pk,
            "licence_type": locked.licence_type.code,
            "department_id": locked.department_id,
            "reason": locked.status_reason,
            "basis": locked.status_basis,
        },
    )
    _tell_holder(
        locked,
        _("您的%(t)s已%(s)s") % {"t": locked.licence_type.name, "s": locked.get_status_display().removeprefix("已")},
        locked.status_reason,
    )
    return locked


@transaction.atomic
def licence_revoke(*, actor, licence: Licence, reason: str, basis: str = "") -> Licence:
    """吊销: a penalty (行政处罚) takes the licence away."""
    return _change_status(
        actor=actor, licence=licence, target=Licence.Status.REVOKED, reason=reason, basis=basis, action="revoke"
    )


@transaction.atomic
def licence_annul(*, actor, licence: Licence, reason: str, basis: str = "") -> Licence:
    """撤销 (行政许可法 第六十九条): the licence should not have been granted."""
    return _change_status(
        actor=actor, licence=licence, target=Licence.Status.ANNULLED, reason=reason, basis=basis, action="annul"
    )


@transaction.atomic
def licence_cancel(*, actor, licence: Licence, reason: str, basis: str = "") -> Licence:
    """注销 (行政许可法 第七十条): the holder closed, gave it up, or it lapsed."""
    return _change_status(
        actor=actor, licence=licence, target=Licence.Status.CANCELLED, reason=reason, basis=basis, action="cancel"
    )


@transaction.atomic
def seal_key_rotate(*, actor, department: Department) -> SealKey:
    """Retire the department's active key and start a new one; licences signed before stay verifiable."""
    if actor is not None and not restrict(Department.objects.filter(pk=department.pk), actor, "change").exists():
        raise NotFound()
    old = SealKey.objects.select_for_update().filter(department=department, retired_at__isnull=True).first()
    if old is not None:
        old.retired_at = _now()
        _certify(old)
        old.save(update_fields=["retired_at", "certificate"])
    key = _active_seal(department)
    audit_record(
        actor=actor,
        action="seal.rotate",
        target=key,
        data={"department": department.code, "retired": old.pk if old else None},
    )
    emit("seal.rotated", {"department_id": department.pk, "seal_key_id": key.pk, "retired_id": old.pk if old else None})
    return key


@transaction.atomic
def seal_key_revoke(*, actor, key: SealKey, revoked_on: dt.date, reason: str) -> SealKey:
    """Revoke a compromised seal key from the start of `revoked_on` (local time): what it signed from then on no
    longer verifies, what it signed before is flagged (docs/verify-licence.md). A revoked key is also retired, so
    its department signs on with a new key; the root key re-certifies the key's new state."""
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = [_("须说明理由")]
    if revoked_on is None or revoked_on > timezone.localdate():
        errors["revoked_on"] = [_("吊销生效日期不能晚于今天")]
    if errors:
        raise ValidationFailed(fields=errors)
    locked = SealKey.objects.select_for_update().select_related("department").filter(pk=key.pk)
    if actor is not None:
        locked = restrict(locked, actor, "seal_revoke")
    locked = locked.first()
    if locked is None:
        raise NotFound()
    if locked.revoked_at is not None:
        raise InvalidTransition(_("该密钥已吊销"))
    start = timezone.make_aware(dt.datetime.combine(revoked_on, dt.time.min))
    locked.revoked_at, locked.revocation_reason = max(start, locked.valid_from), reason.strip()
    was_active = locked.retired_at is None
    if was_active:
        locked.retired_at = _now()
    _certify(locked)
    locked.save(update_fields=["revoked_at", "revocation_reason", "retired_at", "certificate"])
    audit_record(
        actor=actor,
        action="seal.revoke",
        target=locked,
        data={"department": locked.department.code, "key_id": locked.key_id, "revoked_at": str(locked.revoked_at)},
    )
    emit("seal.revoked", {"department_id": locked.department_id, "seal_key_id": locked.pk, "key_id": locked.key_id})
    if was_active:
        _active_seal(locked.department)
    return locked


@transaction.atomic
def licence_renewal_remind(*, today: dt.date | None = None) -> int:
    """Remind each holder once, 45 days before expiry, to apply for renewal 30 days before (第五十条)."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=RENEWAL_NOTICE_DAYS + RENEWAL_MARGIN_DAYS)
    due = (
        Licence.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            status=Licence.Status.VALID,
            renewal_reminded_at__isnull=True,
            valid_until__gte=today,
            valid_until__lte=horizon,
        )
        .select_related("licence_type", "holder_entity", "holder_person__user")
    )
    from .renewal import renewal_reminder_text  # renewal files cases, and cases import this module

    now, count = timezone.now(), 0
    for licence in due:
        _tell_holder(licence, *renewal_reminder_text(licence, today=today))
        licence.renewal_reminded_at = now
        licence.save(update_fields=["renewal_reminded_at"])
        audit_record(
            actor=None,
            action="licence.renewal_remind",
            target=licence,
            data={"number": licence.number},
            shard_key=case_key(licence.case_id),
        )
        count += 1
    return count
