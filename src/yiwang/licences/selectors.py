"""Reads: public verification, the material check at submission, the holder's wallet, and the issuing
department's management of its licences and seal keys."""

import base64
import datetime as dt
import operator
import re
from dataclasses import dataclass
from functools import lru_cache, reduce

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yiwang.accounts.identifiers import mask_identity_number
from yiwang.accounts.models import Entity
from yiwang.core.errors import NotFound
from yiwang.core.permissions import restrict, staff_roles
from yiwang.core.urls import public_url
from yiwang.org.models import Department

from . import signing
from .models import Licence, SealKey
from .services import licence_canonical

RELATED = ("licence_type", "department__region", "holder_entity", "holder_person", "seal_key")


@dataclass(frozen=True)
class Verification:
    status: str  # valid | expired | revoked | annulled | cancelled | altered | damaged | unknown
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


DIGEST = re.compile(r"[0-9a-fA-F]{64}")


def _damaged() -> Verification:
    return Verification(
        "damaged",
        None,
        _(
            "核验链接不完整或已损坏（可能是扫描不全或复制时被截断），无法据此判断证照真伪。请重新扫描证照上的二维码；仍无法核验的，请向发证机关核实。"
        ),
    )


def licence_verify(number: str, *, digest: str | None = None, on: dt.date | None = None) -> Verification:
    """Public: anybody holding a licence number (the QR code) may learn whether it is genuine and in force.

    A link that lost characters on the way (a half-scanned code, a truncated copy) is told apart from a licence
    whose data was changed: a garbled digest, or a digest that names a licence the garbled number does not, says
    the link is damaged; only a well-formed digest that differs from an intact record says the paper is altered.
    """
    if digest is not None and not DIGEST.fullmatch(digest):
        return _damaged()
    try:
        # get(), not first(): no ORDER BY to compile or run on a unique lookup
        licence = Licence.objects.select_related(*RELATED).get(number=number)
    except Licence.DoesNotExist:
        if "\ufffd" in number or (digest and Licence.objects.filter(digest=digest.lower()).exists()):
            return _damaged()
        return Verification("unknown", None, _("查无此证照编号"))
    return check(licence, on=on, digest=digest)


def verify_link(licence: Licence) -> str:
    """The QR code's target: the public verification page at the platform's public address, in the default
    language whoever prints it, carrying the digest so a paper copy that differs is told apart."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("licences:verify", args=[licence.number])
    return public_url(path) + f"?d={licence.digest}"


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
        Licence.objects.filter(Q(holder_person__user=actor) | Q(holder_entity__in=Entity.objects.acting_for(actor)))
        .select_related(*RELATED)
        .distinct()
        .order_by("-issued_on", "-pk")
    )


def licence_for_holder(*, actor, number: str) -> Licence:
    licence = wallet_for(actor=actor).filter(number=number).first()
    if licence is None:
        raise NotFound()
    return licence


# The roles licences.services._may_change lets change a licence's status (the issuing department's reviewers,
# inspectors and administrator): the management pages list exactly what their user may act on.
MANAGING_ACTIONS = ("review", "inspect", "approve")


def managed_licences(actor, *, number: str = "", holder: str = "", status: str = ""):
    """Licences of the departments the actor acts for, newest first, narrowed by the staff list's filters."""
    everything = Licence.objects.all()
    licences = reduce(operator.or_, (restrict(everything, actor, action) for action in MANAGING_ACTIONS))
    if number:
        licences = licences.filter(number__icontains=number)
    if holder:
        licences = licences.filter(
            Q(holder_entity__name__contains=holder)
            | Q(holder_entity__uscc__iexact=holder)
            | Q(holder_person__name__contains=holder)
            | Q(holder_person__id_number__iexact=holder)
        )
    if status in Licence.Status.values:
        licences = licences.filter(status=status)
    return licences.select_related(*RELATED).order_by("-issued_on", "-pk")


def managed_licence(actor, number: str) -> Licence:
    licence = managed_licences(actor).filter(number=number).first()
    if licence is None:
        raise NotFound()
    return licence


def seal_fingerprint(key: SealKey) -> str:
    """SM3 of the public key's DER form: what `openssl pkey -pubin -outform DER` gives, hashed with SM3."""
    body = "".join(line for line in key.public_key_pem.strip().splitlines() if not line.startswith("-----"))
    return signing.sm3_hex(base64.b64decode(body))


@dataclass(frozen=True)
class DepartmentSeals:
    department: Department
    keys: list[SealKey]
    may_rotate: bool


def _own_departments(actor):
    """The departments the actor holds a role in; a superuser, every department that has a seal."""
    if actor.is_superuser:
        return Department.objects.filter(seal_keys__isnull=False).distinct()
    return Department.objects.filter(pk__in={role.department_id for role in staff_roles(actor)})


def _rotatable(actor, departments):
    """Where seal_key_rotate lets the actor rotate: the same "change" check the service makes."""
    return restrict(departments, actor, "change")


def department_seals(actor) -> list[DepartmentSeals]:
    """Each of the actor's departments with its seal keys, newest first; the private key is never read."""
    departments = list(_own_departments(actor).select_related("region").order_by("region__code", "name"))
    keys = (
        restrict(SealKey.objects.filter(department__in=departments), actor, "view")
        .defer("private_key_encrypted")
        .order_by("-created_at", "-pk")
    )
    by_department: dict[int, list[SealKey]] = {}
    for key in keys:
        key.fingerprint = seal_fingerprint(key)
        by_department.setdefault(key.department_id, []).append(key)
    rotatable = set(
        _rotatable(actor, Department.objects.filter(pk__in=[d.pk for d in departments])).values_list("pk", flat=True)
    )
    return [DepartmentSeals(d, by_department.get(d.pk, []), d.pk in rotatable) for d in departments]


def rotatable_department(actor, pk: int) -> Department:
    department = _rotatable(actor, _own_departments(actor)).filter(pk=pk).first()
    if department is None:
        raise NotFound()
    return department


def held_for_applicants(user, specs) -> dict[int, list[str]]:
    """For each licence-sourced material, the valid e-licences of those the user may apply for (its entities and
    itself), so the form can say what will be drawn in before the applicant is chosen."""
    applicants = [("entity", e) for e in Entity.objects.acting_for(user).order_by("name")]
    if getattr(user, "person", None) is not None:
        applicants.append(("person", user.person))
    held: dict[int, list[str]] = {}
    for spec in specs:
        if not spec.from_licence:
            continue
        for key, applicant in applicants:
            licence, _why = usable_licence(licence_type=spec.licence_type, **{key: applicant})
            if licence is not None:
                held.setdefault(spec.pk, []).append(f"{applicant.name} {licence.number}")
    return held
