"""Stage 1, submission: an application checked against the catalog (form, materials, who may apply) and numbered."""

import datetime as dt
import secrets

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.accounts.models import Entity, Person
from yiwang.catalog.forms_schema import lock_prefilled, prefill_values, submission_errors
from yiwang.catalog.models import ItemImplementation, MaterialSpec
from yiwang.catalog.selectors import implementation_for_submission, version_materials
from yiwang.core.calendar import WorkCalendar
from yiwang.core.errors import Conflict, PermissionDenied, ValidationFailed
from yiwang.core.idempotency import idempotency_claim
from yiwang.core.permissions import can_do
from yiwang.core.storage import StoredFile
from yiwang.workflow.models import Task

from .. import clock, selectors
from ..delivery import clean_delivery
from ..materials import material_sources
from ..models import (
    Case,
    CaseMaterial,
    CaseNumberCounter,
)
from ._common import (
    _locked,
    _merge,
    _record,
    _save,
    _tell_applicant,
    _today,
)

# The fields clean_delivery names in its refusals.
DELIVERY_FIELDS = frozenset(
    {"delivery_method", "delivery_recipient", "delivery_phone", "delivery_address", "pickup_center"}
)


def _number(case: Case, region, day: dt.date) -> None:
    """Give the case the district's next number of the day. The counter's UPDATE … RETURNING locks its row until
    the commit, so it is taken last; the day's first case creates the row. On PostgreSQL the case's own UPDATE
    rides in the same statement."""
    counter = CaseNumberCounter._meta.db_table
    bump = f"UPDATE {counter} SET last = last + 1 WHERE region_id = %s AND day = %s RETURNING last"
    prefix = f"{region.code}-{day:%Y%m%d}-"
    with connection.cursor() as cursor:
        for _attempt in range(2):
            if connection.vendor == "postgresql":
                # At least five digits, as the Python format below: lpad() alone would cut a sixth.
                cursor.execute(
                    f"WITH c AS ({bump}) UPDATE {Case._meta.db_table} SET number = %s"
                    " || CASE WHEN c.last < 100000 THEN lpad(c.last::text, 5, '0') ELSE c.last::text END"
                    " FROM c WHERE id = %s RETURNING number",
                    [region.pk, day, prefix, case.pk],
                )
                found = cursor.fetchone()
                if found is not None:
                    case.number = found[0]
                    return
            else:
                cursor.execute(bump, [region.pk, day])
                found = cursor.fetchone()
                if found is not None:
                    case.number = f"{prefix}{found[0]:05d}"
                    Case.objects.filter(pk=case.pk).update(number=case.number)
                    return
            # A concurrent first case of the day may create the row too; the loser's update then finds it.
            CaseNumberCounter.objects.bulk_create([CaseNumberCounter(region=region, day=day)], ignore_conflicts=True)
    raise RuntimeError("case number counter row missing")


def _may_apply_for(actor, *, person: Person | None, entity: Entity | None, channel: str) -> bool:
    """The applicant themself or their agent, or a window clerk taking in a walk-in (asked last: an online
    applicant's roles need not be read), or a 网格员 applying at a resident's home. The home channel is reached only
    through grid.services.home_service_submit, which holds the resident's consent in force first, as the desk's
    intake holds the clerk's window."""
    if channel == Case.Channel.HOME:
        return person is not None and can_do(actor, "grid_work")
    if entity is not None and entity.has_agent(actor):
        return True
    if person is not None and person.user_id == actor.pk:
        return True
    return can_do(actor, "window_intake")


def _material_check(
    version,
    uploads: dict[int, tuple[StoredFile | None, str]],
    provided: str,
    *,
    person: Person | None,
    entity: Entity | None,
    deferred: frozenset[int] = frozenset(),
    commitments: frozenset[int] = frozenset(),
) -> tuple[list[CaseMaterial], dict[str, list[str]]]:
    """The case's material rows (unsaved, without their case) from uploads by spec id, every 免提交 material
    drawn; and the problems, all of them, so they can be told together with the form's.

    At a window a material may be paper with no scan: its entry is (None, ""). A commitment (告知承诺) stands in
    for a material the catalog allows it for; a deferred one (容缺) is accepted now and supplied later, which
    acceptance checks against the catalog and the applicant's credit.
    """
    known = {spec.pk for spec in version_materials(version)}
    if (set(uploads) | deferred | commitments) - known:
        return [], {"materials": [_("上传的材料不属于本事项")]}
    missing, problems, rows = [], [], []
    for source in material_sources(version, person=person, entity=entity):
        spec = source.spec
        if source.licence is not None:
            note = _("免提交：已调取电子证照 %(n)s") % {"n": source.licence.number}
            rows.append(
                CaseMaterial(spec=spec, provided=CaseMaterial.Provided.LICENCE, licence=source.licence, note=note)
            )
        elif source.refusal:
            problems.append(source.refusal)
        elif spec.is_exempt:
            kind = (
                CaseMaterial.Provided.LICENCE
                if spec.source == MaterialSpec.Source.LICENCE
                else CaseMaterial.Provided.SHARED
            )
            rows.append(CaseMaterial(spec=spec, provided=kind, note=_("免提交：由平台调取")))
        elif spec.pk in commitments:
            if not spec.commitment:
                problems.append(_("《%(m)s》不适用告知承诺，须提交材料") % {"m": spec.name})
                continue
            note = _("申请人已书面承诺符合要求（告知承诺制）")
            rows.append(CaseMaterial(spec=spec, provided=CaseMaterial.Provided.COMMITMENT, note=note))
        elif spec.pk in uploads and uploads[spec.pk][0] is None:
            if provided != CaseMaterial.Provided.WINDOW:
                problems.append(_("《%(m)s》：网上申报须上传材料文件") % {"m": spec.name})
                continue
            rows.append(CaseMaterial(spec=spec, provided=provided, note=_("窗口收取纸质材料")))
        elif spec.pk in uploads:
            stored, filename = uploads[spec.pk]
            rows.append(
                CaseMaterial(
                    spec=spec,
                    provided=provided,
                    file_key=stored.key,
                    filename=filename,
                    content_type=stored.content_type,
                    size=stored.size,
                )
            )
        elif spec.pk in deferred:
            note = _("容缺受理：受理后限期补齐")
            rows.append(CaseMaterial(spec=spec, provided=CaseMaterial.Provided.DEFERRED, note=note))
        elif spec.required:
            missing.append(spec.name)
    if missing and provided == CaseMaterial.Provided.UPLOADED:
        problems.insert(0, _("缺少必需材料：%s") % "、".join(missing))
    return rows, ({"materials": problems} if problems else {})


def _refusal_subcode(errors: dict[str, list[str]], material_errors: dict[str, list[str]]) -> str:
    """The first of the reasons a refused submission has, in the order an applicant fixes them."""
    missing = _("缺少必需材料：%s") % ""
    if any(problem.startswith(missing) for problem in material_errors.get("materials", ())):
        return "material_missing"
    if material_errors:
        return "material_invalid"
    return "delivery_invalid" if set(errors) <= DELIVERY_FIELDS else "form_invalid"


def submission_problems(
    *,
    implementation: ItemImplementation,
    form_data: dict,
    person: Person | None,
    entity: Entity | None,
    uploads: dict[int, tuple[StoredFile | None, str]] | None = None,
    commitments=(),
) -> dict[str, list[str]]:
    """Every error case_submit would give this online application, form and materials together; writes nothing.

    A page whose own form parsing already failed calls this, so the applicant still hears everything at once."""
    version = implementation.item.current_version
    form_data = lock_prefilled(version.form_schema, form_data, prefill_values(person=person, entity=entity))
    errors = submission_errors(version.form_schema, form_data)
    _rows, material_errors = _material_check(
        version,
        uploads or {},
        CaseMaterial.Provided.UPLOADED,
        person=person,
        entity=entity,
        commitments=frozenset(commitments),
    )
    return _merge(errors, material_errors)


@transaction.atomic
def case_submit(
    *,
    actor,
    implementation: ItemImplementation,
    form_data: dict,
    person: Person | None = None,
    entity: Entity | None = None,
    uploads: dict[int, tuple[StoredFile | None, str]] | None = None,
    channel: str = Case.Channel.ONLINE,
    window=None,
    delivery_method: str = Case.Delivery.ONLINE,
    idempotency_key: str = "",
    commitments=(),
    deferred=(),
    delivery_recipient: str = "",
    delivery_phone: str = "",
    delivery_address: str = "",
    pickup_center=None,
    incomplete_form: bool = False,
) -> Case:
    """Submit an application. With an Idempotency-Key, a repeat returns the first case unchanged.

    `commitments` are the materials the applicant replaces with a written commitment (告知承诺); `deferred` the
    ones a window clerk accepts to be supplied later (容缺受理), which only a window can do. Form and material
    errors are refused together, in one ValidationFailed. Identity fields of the form are taken from the
    register, whatever was sent. `incomplete_form` lets a window record a form that does not validate yet,
    to be corrected through the 一次性告知书 it issues at once; acceptance still requires a valid form.

    The returned case's `repeated` says whether it is an earlier request's answer (the API's 200, not 201)."""
    # The claim serialises requests with one key; only a key found taken can have a case already (every case
    # with a key has its claim: cases migration 0009 claimed those from before claims).
    if idempotency_key and not idempotency_claim(actor=actor, key=idempotency_key):
        first = selectors.submitted_case(actor, idempotency_key)
        if first is not None:
            if first.implementation_id != implementation.pk:
                raise Conflict(_("该幂等键已用于另一项申请"))
            first.repeated = True
            return first
    if (person is None) == (entity is None):
        raise ValidationFailed(
            fields={"applicant": [_("请指定一个申请人（自然人或法人）")]}, subcode="applicant_required"
        )
    if not _may_apply_for(actor, person=person, entity=entity, channel=channel):
        raise PermissionDenied(_("您不能代表该申请人申报"))
    if deferred and channel != Case.Channel.WINDOW:
        raise ValidationFailed(fields={"materials": [_("容缺受理须由窗口当场决定")]}, subcode="deferral_window_only")
    if incomplete_form and channel != Case.Channel.WINDOW:
        raise ValidationFailed(fields={"form": [_("只有窗口可以登记尚未填写完整的申请表")]}, subcode="form_incomplete")
    implementation = implementation_for_submission(implementation.pk)
    version = implementation.item.current_version
    if version is None or not implementation.active:
        raise ValidationFailed(fields={"implementation": [_("该事项当前不可申报")]}, subcode="implementation_closed")
    form_data = lock_prefilled(version.form_schema, form_data, prefill_values(person=person, entity=entity))
    errors = {} if incomplete_form else submission_errors(version.form_schema, form_data)
    provided = CaseMaterial.Provided.WINDOW if channel == Case.Channel.WINDOW else CaseMaterial.Provided.UPLOADED
    rows, material_errors = _material_check(
        version,
        uploads or {},
        provided,
        person=person,
        entity=entity,
        deferred=frozenset(deferred),
        commitments=frozenset(commitments),
    )
    region, today = implementation.department.region, _today()
    try:
        delivery = clean_delivery(
            method=delivery_method,
            region=region,
            channel=channel,
            recipient=delivery_recipient,
            phone=delivery_phone,
            address=delivery_address,
            pickup_center=pickup_center,
        )
    except ValidationFailed as invalid:
        _merge(errors, invalid.fields)
    if _merge(errors, material_errors):
        raise ValidationFailed(fields=errors, subcode=_refusal_subcode(errors, material_errors))
    cal = WorkCalendar(region)
    acceptance = clock.acceptance_deadline(today, cal)
    case = Case(
        # Numbered last, just before the commit, so the district's counter row is locked only briefly.
        number=f"~{secrets.token_hex(14)}",
        item=implementation.item,
        version=version,
        implementation=implementation,
        department=implementation.department,
        region=region,
        applicant_person=person,
        applicant_entity=entity,
        submitted_by=actor,
        channel=channel,
        intake_window=window,
        **delivery,
        status=Case.Status.SUBMITTED,
        form_data=form_data,
        idempotency_key=idempotency_key,
        query_code=f"{secrets.randbelow(10**6):06d}",
        received_on=today,
        acceptance_due=acceptance.date,
        promised_days=implementation.promised_days_for(version),
        statutory_days=version.effective_statutory_days,
    )
    case.save(force_insert=True)
    for row in rows:
        row.case = case
    CaseMaterial.objects.bulk_create(rows)
    _number(case, region, today)
    entry = _record(
        case,
        actor=actor,
        action="submit",
        moved=("", case.status),
        event="case.submitted",
        note=_("受理期限 %(d)s") % {"d": case.acceptance_due},
    )
    _tell_applicant(
        case, _("已收到您的申请"), _("我们将在 %(d)s 前受理或一次性告知需补正的材料。") % {"d": case.acceptance_due}
    )
    case.repeated = False
    # A new case's timeline and materials are the rows just written, in their order: what selectors.new_case_detail
    # answers with, rather than read them back.
    case.written = {"log": [entry], "materials": rows}
    return case


@transaction.atomic
def case_withdraw(*, actor, case: Case, reason: str = "") -> Case:
    case = _locked(case, actor, "applicant")
    moved = case.move("withdraw")
    case.closed_reason = reason.strip()
    case.tasks.filter(status__in=Task.OPEN_STATES).update(status=Task.Status.CANCELLED, finished_at=timezone.now())
    _save(case, "status", "closed_reason")
    _record(case, actor=actor, action="withdraw", moved=moved, note=case.closed_reason, event="case.withdrawn")
    return case
