"""Reads: public verification, the material check at submission, and the holder's wallet."""

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.accounts.identifiers import mask_identity_number
from yiwang.core.errors import NotFound

from . import signing
from .models import Licence
from .services import licence_canonical

RELATED = ("licence_type", "department__region", "holder_entity", "holder_person", "seal_key")


@dataclass(frozen=True)
class Verification:
    status: str  # valid | expired | revoked | annulled | cancelled | altered | unknown
    licence: Licence | None = None
    message: str = ""
    changed_at: dt.datetime | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "valid"


@lru_cache(maxsize=1024)
def _public_key(public_key_pem: str):
    """Parsed once per process: keyed by the PEM itself, so a reused row id can never pick a stale key."""
    return signing.load_public_key(public_key_pem)


def intact(licence: Licence) -> bool:
    """The stored fields still give the signed digest, and the seal's signature over them holds."""
    canonical = licence_canonical(licence)
    if signing.sm3_hex(canonical) != licence.digest:
        return False
    return signing.verify(_public_key(licence.seal_key.public_key_pem), bytes(licence.signature), canonical)


def check(licence: Licence, *, on: dt.date | None = None, digest: str | None = None) -> Verification:
    on = on or timezone.localdate()
    if (digest and digest.lower() != licence.digest) or not intact(licence):
        return Verification("altered", licence, _("证照数据与签章不符，可能已被篡改，请以发证部门记录为准"))
    if licence.status != Licence.Status.VALID:
        return Verification(
            licence.status,
            licence,
            _("该证照%(s)s") % {"s": licence.get_status_display()},
            licence.status_changed_at,
            licence.status_reason,
        )
    if licence.valid_until is not None and licence.valid_until < on:
        return Verification("expired", licence, _("该证照已于 %(d)s 期满") % {"d": licence.valid_until})
    return Verification("valid", licence, _("该证照真实有效"))


def licence_verify(number: str, *, digest: str | None = None, on: dt.date | None = None) -> Verification:
    """Public: anybody holding a licence number (the QR code) may learn whether it is genuine and in force."""
    try:
        # get(), not first(): no ORDER BY to compile or run on a unique lookup
        licence = Licence.objects.select_related(*RELATED).get(number=number)
    except Licence.DoesNotExist:
        return Verification("unknown", None, _("查无此证照编号"))
    return check(licence, on=on, digest=digest)


def public_view(licence: Licence) -> dict:
    """What the printed licence itself shows, nothing more: a person's identity number is masked."""
    if licence.holder_entity_id:
        holder_name, holder_code = licence.holder_entity.name, licence.holder_entity.uscc
    else:
        holder_name, holder_code = licence.holder_person.name, mask_identity_number(licence.holder_person.id_number)
    return {
        "number": licence.number,
        "type": licence.licence_type.name,
        "holder_name": holder_name,
        "holder_code": holder_code,
        "department": str(licence.department),
        "issued_on": licence.issued_on,
        "valid_until": licence.valid_until,
        "digest": licence.digest,
    }


def _held(licence_type, *, entity=None, person=None):
    if entity is not None:
        return Licence.objects.filter(licence_type=licence_type, holder_entity=entity)
    if person is not None:
        return Licence.objects.filter(licence_type=licence_type, holder_person=person)
    return Licence.objects.none()


def holds_licence(*, licence_type, entity=None, person=None) -> bool:
    """Whether any licence of the type (usable or not) is on record for the holder."""
    return _held(licence_type, entity=entity, person=person).exists()


def usable_licence(*, licence_type, entity=None, person=None, on=None) -> tuple[Licence | None, str]:
    """The holder's newest licence of this type that is genuine and in force, or None and why not."""
    held = list(
        _held(licence_type, entity=entity, person=person).select_related(*RELATED).order_by("-issued_on", "-pk")
    )
    if not held:
        return None, _("未查询到申请人持有的%(t)s") % {"t": licence_type.name}
    checks = [check(licence, on=on) for licence in held]
    for result in checks:
        if result.ok:
            return result.licence, ""
    newest = checks[0]
    why = newest.message
    if newest.reason:
        why = _("%(m)s（%(d)s，理由：%(r)s）") % {
            "m": why,
            "d": timezone.localtime(newest.changed_at).date() if newest.changed_at else "",
            "r": newest.reason,
        }
    return None, _("%(t)s %(n)s 不能作为申请材料：%(w)s") % {
        "t": licence_type.name,
        "n": newest.licence.number,
        "w": why,
    }


def wallet_for(*, actor):
    """The actor's own licences: as a person, and those of the entities they act for."""
    if actor is None or not actor.is_authenticated:
        return Licence.objects.none()
    return (
        Licence.objects.filter(Q(holder_person__user=actor) | Q(holder_entity__agents=actor))
        .select_related(*RELATED)
        .distinct()
        .order_by("-issued_on", "-pk")
    )


def licence_for_holder(*, actor, number: str) -> Licence:
    licence = wallet_for(actor=actor).filter(number=number).first()
    if licence is None:
        raise NotFound()
    return licence
