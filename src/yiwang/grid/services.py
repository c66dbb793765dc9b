"""Writes to the grid (cells, assignments of 网格员), the location check other apps call before they write, and
上门代办: a resident's consent recorded by their 网格员, revoked, and the cases applied for under it."""

import datetime as dt
import math

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.accounts.identifiers import mask_identity_number
from yiwang.accounts.services import person_register
from yiwang.cases import services as cases
from yiwang.cases.models import Case
from yiwang.catalog.selectors import published_items
from yiwang.core.audit import audit_record
from yiwang.core.errors import NotFound, PermissionDenied, ValidationFailed
from yiwang.core.events import emit
from yiwang.core.permissions import allows, can_do
from yiwang.core.storage import StoredFile
from yiwang.org.models import Region

from .geometry import polygon_from_geojson
from .models import GridCell, GridWorker, HomeServiceConsent
from .selectors import cell_at, cell_index, my_cells


def _require_change(actor, obj) -> None:
    """actor=None is the platform itself (a command or a task); anyone else needs `change` over the row."""
    if actor is not None and not allows(actor, "change", obj):
        raise NotFound()


def _refuse_overlap(code: str, polygon) -> None:
    """Cells tile the district: a new or redrawn cell may touch its neighbours, never cover part of one."""
    index = cell_index()
    for at in index.tree.query(polygon, predicate="intersects"):
        other = index.items[at]
        if other.code != code and polygon.intersection(index.tree.geometries[at]).area > 0:
            raise ValidationFailed(
                fields={"polygon": [_("与网格 %(code)s 重叠") % {"code": other.code}]}, subcode="cell_overlap"
            )


@transaction.atomic
def grid_cell_save(*, actor, code: str, name: str, community: Region, polygon: dict) -> GridCell:
    """Create the cell, or redraw and rename it. Every process's point index sees it once this commits."""
    if community.level != Region.Level.COMMUNITY:
        raise ValidationFailed(fields={"community": [_("网格必须属于一个社区")]})
    _require_change(actor, community)
    cell = GridCell.objects.select_for_update().filter(code=code).first() or GridCell(code=code)
    if cell.pk:
        _require_change(actor, cell)
    cell.name, cell.community = name, community
    cell.set_polygon(polygon)
    _refuse_overlap(code, polygon_from_geojson(polygon))
    created = cell.pk is None
    cell.save()
    audit_record(
        actor=actor,
        action="grid.cell_created" if created else "grid.cell_changed",
        target=cell,
        data={"code": code, "name": name, "community": community.code, "polygon": polygon},
    )
    return cell


@transaction.atomic
def grid_worker_assign(*, actor, user, cell: GridCell) -> GridWorker:
    """Put a 网格员 on a cell (again, if they were released); they must hold a grid_worker role reaching it."""
    _require_change(actor, cell)
    if not allows(user, "grid_work", cell):
        raise ValidationFailed(fields={"user": [_("该人员不是本网格所在范围的网格员")]})
    assignment, created = GridWorker.objects.get_or_create(user=user, cell=cell)
    if not created and assignment.active:
        return assignment
    if not created:
        assignment.active = True
        assignment.save(update_fields=["active"])
    audit_record(
        actor=actor, action="grid.worker_assigned", target=assignment, data={"user": user.pk, "cell": cell.code}
    )
    return assignment


@transaction.atomic
def grid_worker_release(*, actor, assignment: GridWorker) -> GridWorker:
    _require_change(actor, assignment)
    if assignment.active:
        assignment.active = False
        assignment.save(update_fields=["active"])
        audit_record(
            actor=actor,
            action="grid.worker_released",
            target=assignment,
            data={"user": assignment.user_id, "cell": assignment.cell.code},
        )
    return assignment


def require_in_district(longitude, latitude) -> GridCell:
    """The cell a reported location lies in, or the error a form shows beside its location field: for the
    hotline's work orders and anything else that must happen inside the district's grid."""
    try:
        cell = cell_at(float(longitude), float(latitude))
    except (TypeError, ValueError):
        cell = None
    if cell is None:
        raise ValidationFailed(fields={"location": [_("坐标不在本区范围内")]}, subcode="location_outside")
    return cell


# --- 上门代办 ----------------------------------------------------------------------------------------------------
# The longest a consent for one item may run: long enough for the case's corrections, short enough to be renewed
# with the resident rather than kept on file.
CONSENT_MAX_DAYS = 90


def _consent_event(event: str, consent: HomeServiceConsent, **data) -> None:
    # No name or identity number: the outbox feeds department systems.
    emit(
        event,
        {
            "consent_id": consent.pk,
            "cell": consent.cell.code,
            "item": consent.item.code if consent.item_id else "",
            "expires_on": consent.expires_on.isoformat(),
            **data,
        },
    )


def _coordinate(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


@transaction.atomic
def home_consent_record(
    *,
    actor,
    cell_code: str,
    name: str,
    id_number: str,
    address: str,
    reason: str,
    method: str,
    phone: str = "",
    longitude=None,
    latitude=None,
    consent_form: StoredFile | None = None,
    form_name: str = "",
    witness_name: str = "",
    witness_phone: str = "",
    item_code: str = "",
    expires_on: dt.date | None = None,
) -> HomeServiceConsent:
    """Record a resident's consent to 上门代办, every problem told at once and nothing written on any.

    Only a 网格员 of the resident's cell records it: the cell is one of their own, and a position given (the
    resident's door) must lie in it by the grid's point index. 书面签字 needs the signed form's scan; 口头同意 a
    witness. Without an item the consent covers this visit only and ends today; for one item it runs to
    `expires_on`, at most CONSENT_MAX_DAYS. The resident is found by identity number, or registered."""
    if not can_do(actor, "grid_work"):
        raise PermissionDenied(_("只有网格员可以记录上门代办授权"))
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    cell = my_cells(actor).filter(code=(cell_code or "").strip()).first()
    item = published_items().filter(code=item_code.strip()).first() if (item_code or "").strip() else None
    if item_code.strip() and item is None:
        errors["item_code"] = [_("目录中没有该事项")]
    if cell is None:
        errors["cell"] = [_("该网格不在您负责的范围内，只有居民所在网格的网格员可以上门代办")]
    elif longitude not in (None, "") or latitude not in (None, ""):
        lon, lat = _coordinate(longitude), _coordinate(latitude)
        found = cell_at(lon, lat) if lon is not None and lat is not None else None
        if found is None or found.pk != cell.pk:
            errors["location"] = [_("居民住址的坐标不在所选网格内")]
    address = (address or "").strip()
    if not address:
        errors["address"] = [_("请填写居民的居住地址")]
    if reason not in HomeServiceConsent.Reason.values:
        errors["reason"] = [_("请选择代办原因（高龄、残疾、行动不便或重病）")]
    witness_name, witness_phone = (witness_name or "").strip(), (witness_phone or "").strip()
    if method == HomeServiceConsent.Method.SIGNED:
        if consent_form is None:
            errors["consent_form"] = [_("书面签字须上传居民签字的授权书扫描件或照片")]
    elif method == HomeServiceConsent.Method.ORAL:
        if not witness_name:
            errors["witness_name"] = [_("口头同意须有见证人，请填写见证人姓名")]
    else:
        errors["method"] = [_("请选择同意方式：书面签字或口头同意")]
    if not item_code.strip():
        expires_on = today
    elif expires_on is None:
        errors["expires_on"] = [_("请填写授权有效期")]
    elif not today <= expires_on <= today + dt.timedelta(days=CONSENT_MAX_DAYS):
        errors["expires_on"] = [_("授权有效期须在今天至 %(n)d 天之内") % {"n": CONSENT_MAX_DAYS}]
    try:
        person = person_register(actor=actor, name=name or "", id_number=id_number or "", phone=phone or "")
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationFailed(fields=errors, subcode="home_consent_invalid")
    signed = method == HomeServiceConsent.Method.SIGNED
    consent = HomeServiceConsent.objects.create(
        person=person,
        cell=cell,
        address=address,
        reason=reason,
        method=method,
        form_key=consent_form.key if signed else "",
        form_name=(form_name or consent_form.name) if signed else "",
        form_type=consent_form.content_type if signed else "",
        form_size=consent_form.size if signed else 0,
        witness_name="" if signed else witness_name,
        witness_phone="" if signed else witness_phone,
        worker=actor,
        given_on=today,
        item=item,
        expires_on=expires_on,
    )
    audit_record(
        actor=actor,
        action="grid.home_consent_recorded",
        target=consent,
        data={
            "person": mask_identity_number(person.id_number),
            "cell": cell.code,
            "reason": reason,
            "method": method,
            "item": item.code if item is not None else "",
            "expires_on": expires_on.isoformat(),
        },
    )
    _consent_event("grid.home_consent_recorded", consent)
    return consent


def _locked_consent(actor, consent: HomeServiceConsent) -> HomeServiceConsent:
    """The consent locked, if the actor recorded it and its cell is within their reach; else NotFound."""
    found = (
        HomeServiceConsent.objects.select_for_update(of=("self",))
        .select_related("person", "cell__community", "item")
        .filter(pk=consent.pk, worker=actor)
        .first()
    )
    if found is None or not allows(actor, "grid_work", found.cell):
        raise NotFound()
    return found


@transaction.atomic
def home_consent_revoke(*, actor, consent: HomeServiceConsent, reason: str = "") -> HomeServiceConsent:
    """The resident takes their consent back (the 网格员 records it): no further case is applied for under it;
    cases already applied for stay the resident's."""
    found = _locked_consent(actor, consent)
    if found.revoked_at is None:
        found.revoked_at, found.revoke_reason = timezone.now(), (reason or "").strip()[:200]
        found.save(update_fields=["revoked_at", "revoke_reason"])
        audit_record(
            actor=actor, action="grid.home_consent_revoked", target=found, data={"reason": found.revoke_reason}
        )
        _consent_event("grid.home_consent_revoked", found)
    return found


@transaction.atomic
def home_service_submit(
    *,
    actor,
    consent: HomeServiceConsent,
    implementation,
    form_data: dict,
    uploads=None,
    commitments=(),
    delivery_method: str = Case.Delivery.POST,
    delivery_recipient: str = "",
    delivery_phone: str = "",
    delivery_address: str = "",
    pickup_center=None,
    idempotency_key: str = "",
) -> Case:
    """上门代办: the 网格员 applies for the resident, through the one submission path (cases.case_submit) on the
    home channel: the resident is the applicant, the 网格员 the submitter (代办人). Refused, with nothing written,
    unless the consent is in force for this item today and the resident's cell is still one the 网格员 walks."""
    consent = _locked_consent(actor, consent)
    refusal = consent.refusal(item=implementation.item, on=timezone.localdate())
    if not refusal and not my_cells(actor).filter(pk=consent.cell_id).exists():
        refusal = _("您已不负责该居民所在的网格，不能代办")
    if refusal:
        raise ValidationFailed(str(refusal), fields={"consent": [str(refusal)]}, subcode="home_consent_invalid")
    case = cases.case_submit(
        actor=actor,
        implementation=implementation,
        form_data=form_data,
        person=consent.person,
        uploads=uploads,
        channel=Case.Channel.HOME,
        commitments=commitments,
        delivery_method=delivery_method,
        delivery_recipient=delivery_recipient,
        delivery_phone=delivery_phone,
        delivery_address=delivery_address,
        pickup_center=pickup_center,
        idempotency_key=idempotency_key,
    )
    if case.repeated:
        return case
    consent.cases.add(case)
    audit_record(
        actor=actor,
        action="grid.home_service_submitted",
        target=consent,
        data={"case": case.number, "cell": consent.cell.code, "item": implementation.item.code},
    )
    _consent_event("grid.home_service_submitted", consent, case=case.number)
    return case
