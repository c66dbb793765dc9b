"""Reads: public verification, the material check at submission, the holder's wallet, and the issuing
department's management of its licences and seal keys."""

import base64
import datetime as dt
import io
import operator
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache, reduce

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yiwang.accounts.models import Entity
from yiwang.core.compiled import DEFAULT_SENTINEL, CompiledQuery
from yiwang.core.errors import NotFound
from yiwang.core.permissions import restrict, staff_roles
from yiwang.core.urls import public_url
from yiwang.org.models import Department

from . import signing
from .models import Licence, SealKey
from .services import holder_public_code, licence_canonical, seal_statement

RELATED = ("licence_type", "department__region", "holder_entity", "holder_person", "seal_key__department")


@dataclass(frozen=True)
class Verification:
    # valid | expired | revoked | annulled | cancelled | altered | unknown_key | revoked_key | damaged | unknown
    status: str
    licence: Licence | None = None
    message: str = ""
    changed_at: dt.datetime | None = None
    reason: str = ""
    # Set on a licence signed before its seal key was revoked: it verifies, flagged (docs/verify-licence.md).
    key_revoked_at: dt.datetime | None = None
    key_revocation_reason: str = ""

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


def certified(key: SealKey) -> bool:
    """The root key vouches for this key, its department and its window: the only way a key becomes trusted."""
    return (
        bytes(key.certificate) != b""
        and key.key_id == signing.key_id(key.public_key_pem)
        and signing.root_verifies(bytes(key.certificate), seal_statement(key))
    )


def _key_trusted_for(licence: Licence) -> bool:
    """A certified key of the licence's own department, whose window holds the moment the licence was signed."""
    key = licence.seal_key
    if key.department_id != licence.department_id or not certified(key):
        return False
    return key.valid_from <= licence.signed_at and (key.retired_at is None or licence.signed_at <= key.retired_at)


def _matches(licence: Licence, digest: str | None) -> bool:
    return not digest or digest.lower() in {licence.digest, licence.legacy_digest}


def check(licence: Licence, *, on: dt.date | None = None, digest: str | None = None) -> Verification:
    on = on or timezone.localdate()
    if not _key_trusted_for(licence):
        return Verification(
            "unknown_key", licence, _("签章密钥未经平台根密钥认证，或签章时不在其有效期内：不能认定为发证机关所签")
        )
    if not _matches(licence, digest) or not intact(licence):
        return Verification("altered", licence, _("证照数据与签章不符，可能已被篡改，请以发证部门记录为准"))
    key = licence.seal_key
    if key.revoked_at is not None and licence.signed_at >= key.revoked_at:
        return Verification(
            "revoked_key",
            licence,
            _("签章密钥已于 %(d)s 吊销，此后所签证照不予认可，请向发证机关核实")
            % {"d": timezone.localtime(key.revoked_at).date()},
            key.revoked_at,
            key.revocation_reason,
        )
    flags = {"key_revoked_at": key.revoked_at, "key_revocation_reason": key.revocation_reason}
    if licence.status != Licence.Status.VALID:
        return Verification(
            licence.status,
            licence,
            _("该证照%(s)s") % {"s": licence.get_status_display()},
            licence.status_changed_at,
            licence.status_reason,
            **flags,
        )
    if licence.valid_until is not None and licence.valid_until < on:
        return Verification("expired", licence, _("该证照已于 %(d)s 期满") % {"d": licence.valid_until}, **flags)
    if key.revoked_at is not None:
        return Verification(
            "valid",
            licence,
            _("该证照签发于签章密钥吊销（%(d)s）之前，签章有效；密钥已泄露，建议向发证机关确认")
            % {"d": timezone.localtime(key.revoked_at).date()},
            **flags,
        )
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
    return {
        "number": licence.number,
        "type": licence.licence_type.name,
        "holder_name": licence.holder.name,
        "holder_code": holder_public_code(licence),
        "department": str(licence.department),
        "issued_on": licence.issued_on,
        "valid_until": licence.valid_until,
        "digest": licence.digest,
    }


def _held_by(holder: str) -> CompiledQuery:
    return CompiledQuery(
        lambda type_id, holder_id: (
            Licence.objects.filter(licence_type=type_id, **{holder: holder_id})
            .select_related(*RELATED)
            .order_by("-issued_on", "-pk")
        ),
        sentinel=(DEFAULT_SENTINEL, DEFAULT_SENTINEL - 1),
    )


# Read for every licence-sourced material of every submission: compiled once per process (core.compiled).
_HELD_BY_ENTITY, _HELD_BY_PERSON = _held_by("holder_entity"), _held_by("holder_person")


def _held(licence_type, *, entity=None, person=None) -> list[Licence]:
    """The holder's licences of the type, newest first."""
    if entity is not None:
        return _HELD_BY_ENTITY.all(licence_type.pk, entity.pk)
    if person is not None:
        return _HELD_BY_PERSON.all(licence_type.pk, person.pk)
    return []


def usable_licence(*, licence_type, entity=None, person=None, on=None) -> tuple[Licence | None, str]:
    """The holder's newest licence of this type that is genuine and in force, or None and why not."""
    licence, reason, _held_any = licence_standing(licence_type=licence_type, entity=entity, person=person, on=on)
    return licence, reason


def licence_standing(*, licence_type, entity=None, person=None, on=None) -> tuple[Licence | None, str, bool]:
    """usable_licence's answer, and whether any licence of the type (usable or not) is on record for the holder,
    from the same read."""
    held = _held(licence_type, entity=entity, person=person)
    if not held:
        return None, _("未查询到申请人持有的%(t)s") % {"t": licence_type.name}, False
    checks = [check(licence, on=on) for licence in held]
    for result in checks:
        if result.ok:
            return result.licence, "", True
    newest = checks[0]
    why = newest.message
    if newest.reason:
        why = _("%(m)s（%(d)s，理由：%(r)s）") % {
            "m": why,
            "d": timezone.localtime(newest.changed_at).date() if newest.changed_at else "",
            "r": newest.reason,
        }
    return (
        None,
        _("%(t)s %(n)s 不能作为申请材料：%(w)s") % {"t": licence_type.name, "n": newest.licence.number, "w": why},
        True,
    )


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
    return signing.key_id(key.public_key_pem)


@dataclass(frozen=True)
class DepartmentSeals:
    department: Department
    keys: list[SealKey]
    may_rotate: bool
    may_revoke: bool


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
    revocable = set(
        restrict(Department.objects.filter(pk__in=[d.pk for d in departments]), actor, "seal_revoke").values_list(
            "pk", flat=True
        )
    )
    return [DepartmentSeals(d, by_department.get(d.pk, []), d.pk in rotatable, d.pk in revocable) for d in departments]


def revocable_key(actor, pk: int) -> SealKey:
    key = restrict(SealKey.objects.select_related("department"), actor, "seal_revoke").filter(pk=pk).first()
    if key is None:
        raise NotFound()
    return key


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


def issuer_keys():
    """Every seal key the root key vouches for, oldest first; a row without a valid certificate is not listed,
    since nothing it signed verifies."""
    keys = SealKey.objects.select_related("department__region").defer("private_key_encrypted")
    return [key for key in keys.order_by("valid_from", "pk") if certified(key)]


def issuer_key(key_id: str) -> SealKey:
    key = (
        SealKey.objects.select_related("department__region").defer("private_key_encrypted").filter(key_id=key_id)
    ).first()
    if key is None or not certified(key):
        raise NotFound()
    return key


def issuer_entry(key: SealKey) -> dict:
    """One key as the directory publishes it: enough to check its certificate and use it offline."""
    return {
        "key_id": key.key_id,
        "department": {"code": key.department.code, "name": str(key.department)},
        "status": key.state,
        "valid_from": signing.utc_text(key.valid_from),
        "retired_at": signing.utc_text(key.retired_at),
        "revoked_at": signing.utc_text(key.revoked_at),
        "revocation_reason": key.revocation_reason or None,
        "public_key_pem": key.public_key_pem,
        "certificate": {
            "statement": seal_statement(key).decode(),
            "signature_base64": base64.b64encode(bytes(key.certificate)).decode(),
        },
        "pem_url": reverse("licences:issuer_pem", args=[key.key_id]),
    }


def root_key_pem() -> str:
    return signing.root_public_pem()


def issuer_directory() -> dict:
    return {
        "format": "yiwang-issuers/1",
        "signature_algorithm": "SM2-with-SM3, distinguishing ID 1234567812345678, DER",
        "root": {"key_id": signing.key_id(signing.root_public_pem()), "public_key_pem": signing.root_public_pem()},
        "keys": [issuer_entry(key) for key in issuer_keys()],
    }


def bundle_files(licence: Licence) -> dict[str, bytes]:
    """The verification bundle: the exact signed bytes, the signature, the seal key with its root certificate and
    the root key; docs/verify-licence.md verifies it with OpenSSL or any SM2 library. The payload is the public
    view of the licence (a person's identity number masked), so the bundle may go to anyone."""
    signature = bytes(licence.signature)
    key = licence.seal_key
    return {
        "licence.json": licence_canonical(licence),
        "licence.sig": signature,
        "licence.sig.b64": base64.b64encode(signature) + b"\n",
        "seal-key.pem": key.public_key_pem.encode(),
        "seal-key.cert.json": seal_statement(key),
        "seal-key.cert.sig": bytes(key.certificate),
        "seal-key.cert.sig.b64": base64.b64encode(bytes(key.certificate)) + b"\n",
        "root.pem": signing.root_public_pem().encode(),
        "README.txt": _bundle_readme(licence).encode(),
    }


BUNDLE_COMMANDS = """openssl pkeyutl -verify -pubin -inkey root.pem -rawin -in seal-key.cert.json -sigfile seal-key.cert.sig \\
  -digest sm3 -pkeyopt distid:1234567812345678
openssl pkeyutl -verify -pubin -inkey seal-key.pem -rawin -in licence.json -sigfile licence.sig \\
  -digest sm3 -pkeyopt distid:1234567812345678
"""


def _bundle_readme(licence: Licence) -> str:
    lines = [
        _("电子证照 %(n)s 核验包") % {"n": licence.number},
        _("licence.json：签章所签的原始字节（SM3 摘要 %(d)s）；licence.sig：SM2 签名（DER）。") % {"d": licence.digest},
        _("seal-key.pem：发证机关签章公钥；seal-key.cert.json / .sig：平台根密钥对该公钥的认证；root.pem：根公钥。"),
        _("请将 root.pem 与 %(u)s 公布的根公钥比对，再执行：") % {"u": public_url(reverse("licences:issuers"))},
        "",
        BUNDLE_COMMANDS,
    ]
    return "\n".join(lines)


def verification_bundle(licence: Licence) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in bundle_files(licence).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def public_bundle_licence(number: str, digest: str) -> Licence:
    """A relying party's bundle: the licence number and the verification code (the SM3 digest the QR code
    carries and the licence prints), as the verification page takes them."""
    licence = Licence.objects.select_related(*RELATED).filter(number=number).first()
    if licence is None or not digest or not _matches(licence, digest):
        raise NotFound()
    return licence
