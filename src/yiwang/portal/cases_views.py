"""The applicant's pages: apply online, follow my cases, answer a correction, withdraw, rate; my notifications.

Every read goes through what the applicant may see (cases.selectors.applicant_cases, the user's own entities
and notifications); every write is one service call. Errors a service raises come back per field on the
same page, with everything entered kept — uploaded files included, by their storage key.
"""

import uuid
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiwang.accounts.models import Entity
from yiwang.cases import selectors
from yiwang.cases.models import Case
from yiwang.cases.pdf import decision_pdf, suspension_notice_pdf
from yiwang.cases.services import (
    case_delivery_update,
    case_material_supply,
    case_resubmit,
    case_submit,
    case_withdraw,
    submission_problems,
)
from yiwang.catalog.forms_schema import prefill_values, schema_form
from yiwang.catalog.models import MaterialSpec
from yiwang.catalog.selectors import open_implementation
from yiwang.core.errors import DomainError, ValidationFailed
from yiwang.core.notifications import notifications_for, notifications_mark_read
from yiwang.core.pdf import private_pdf_download
from yiwang.core.storage import UploadQuotaExceeded, clean_filename, store_uploaded_file, stored, upload_limit
from yiwang.licences.renewal import renewal_submit
from yiwang.licences.renewal_views import renewal_in_application
from yiwang.licences.selectors import held_for_applicants
from yiwang.ratings.services import rating_code_issue, rating_submit

from .forms import ApplicationExtrasForm, DeliveryForm, RatingForm, WithdrawForm

TOKEN_FIELD = "case-token"
CASES_PER_PAGE = 20
NOTIFICATIONS_SHOWN = 100
# 网办深度 3 (在线申报) and 4 (全程网办) take applications online; 1 and 2 only inform or book a visit.
ONLINE_APPLY_DEPTH = 3


def _applicants(user) -> list[tuple[str, str]]:
    """Whom this account may apply for: each entity it is an agent of, and the person it belongs to."""
    choices = [(f"entity-{e.pk}", f"{e.name}（{e.uscc}）") for e in Entity.objects.acting_for(user).order_by("name")]
    person = getattr(user, "person", None)
    if person is not None:
        choices.append(("person", _("本人：%(p)s") % {"p": person}))
    return choices


def _resolve_applicant(user, choice: str):
    if choice == "person":
        return user.person, None
    return None, Entity.objects.acting_for(user).get(pk=int(choice.removeprefix("entity-")))


def _material_field(spec: MaterialSpec) -> str:
    return f"material_{spec.pk}"


def _collect_uploads(request, specs) -> tuple[dict, dict, dict]:
    """Store each chosen file (checked by content); keep files stored by an earlier attempt of the same form.

    Returns the uploads for the service, the files to carry into a re-rendered form, and errors by field.
    """
    uploads, kept, errors = {}, {}, {}
    for spec in specs:
        if spec.is_exempt:
            continue
        field = _material_field(spec)
        upload = request.FILES.get(field)
        try:
            if upload is not None:
                found = store_uploaded_file(actor=request.user, file=upload, field=field)
                filename = found.name or spec.name
            elif request.POST.get(f"kept-{field}"):
                found = stored(key=request.POST[f"kept-{field}"], field=field)
                filename = clean_filename(request.POST.get(f"kept-name-{field}", "")) or spec.name
            else:
                continue
        except (ValidationFailed, UploadQuotaExceeded) as exc:
            errors.update(exc.fields)
            continue
        uploads[spec.pk] = (found, filename)
        kept[field] = (found.key, filename)
    return uploads, kept, errors


def _commitments(request, specs) -> set[int]:
    """The materials the applicant replaces with a written commitment (告知承诺), where the catalog allows it."""
    return {spec.pk for spec in specs if spec.commitment and request.POST.get(f"commit-{_material_field(spec)}")}


def _material_rows(specs, kept: dict, errors: dict, committed=frozenset(), held=None) -> list[dict]:
    return [
        {
            "spec": spec,
            "field": _material_field(spec),
            "kept": kept.get(_material_field(spec)),
            "errors": errors.get(_material_field(spec), []),
            "committed": spec.pk in committed,
            "held": (held or {}).get(spec.pk, []),
        }
        for spec in specs
    ]


def _spread(fields: dict, forms_by_field: dict, material_errors: dict, general: list) -> None:
    """Put a service's field errors next to the field they name; the rest at the top of the form."""
    for name, errors in fields.items():
        form = forms_by_field.get(name)
        if form is not None:
            form.add_error(name, errors)
        elif name.startswith("material"):
            material_errors.setdefault(name, []).extend(errors)
        else:
            general.extend(errors)


def _form_problems(form, fields: dict, material_errors: dict, general: list) -> None:
    """A service's errors beside the fields they name, except where the form's own parsing already spoke."""
    _spread(
        {k: v for k, v in fields.items() if k not in form.errors},
        {name: form for name in form.fields},
        material_errors,
        general,
    )


def _chosen_applicant(request, applicants) -> str:
    """Which applicant the form is filled for: the one posted, or picked on the page, or the first."""
    allowed = {value for value, _label in applicants}
    for choice in (request.POST.get("case-applicant"), request.GET.get("applicant")):
        if choice in allowed:
            return choice
    return applicants[0][0] if applicants else ""


@login_required
def apply(request, code):
    implementation = open_implementation(code=code)
    version = implementation.item.current_version
    if version.online_depth < ONLINE_APPLY_DEPTH:
        context = {
            "implementation": implementation,
            "item": implementation.item,
            "version": version,
            "promised_days": implementation.promised_days_for(version),
            "offline": True,
        }
        return render(request, "portal/cases/apply.html", context, status=200 if request.method == "GET" else 409)
    renewing = renewal_in_application(request, implementation)
    if renewing is not None and not renewing.open:
        return redirect("licences:renew", number=renewing.licence.number)
    submit = partial(renewal_submit, licence=renewing.licence) if renewing else case_submit
    specs = list(version.materials.select_related("licence_type"))
    applicants = _applicants(request.user)
    choice = _chosen_applicant(request, applicants)
    person, entity = _resolve_applicant(request.user, choice) if choice else (None, None)
    prefill = prefill_values(person=person, entity=entity, user=request.user)
    general: list[str] = []
    kept, material_errors, committed = {}, {}, set()
    if request.method == "POST":
        form = schema_form(version.form_schema, request.POST, prefill=prefill)
        extras = ApplicationExtrasForm(request.POST, applicants=applicants)
        delivery = DeliveryForm(request.POST, region=implementation.department.region)
        token = request.POST.get(TOKEN_FIELD, "")[:64]
        valid = all([form.is_complete(), extras.is_valid(), delivery.is_valid()])  # all, to show every error
        uploads, kept, material_errors = _collect_uploads(request, specs)
        committed = _commitments(request, specs)
        to_upload = {pk: upload for pk, upload in uploads.items() if pk not in committed}
        if valid and not material_errors:
            try:
                case = submit(
                    actor=request.user,
                    implementation=implementation,
                    form_data=form.submission_data(),
                    person=person,
                    entity=entity,
                    uploads=to_upload,
                    commitments=committed,
                    **delivery.submission(),
                    idempotency_key=token,
                )
            except ValidationFailed as exc:
                _form_problems(form, exc.fields, material_errors, general)
            else:
                messages.success(request, _("申请已提交，办件编号 %(n)s") % {"n": case.number})
                return redirect("cases:detail", number=case.number)
        elif choice:
            # The form's own parsing failed: still tell the schema's and the materials' errors in this round.
            problems = submission_problems(
                implementation=implementation,
                form_data=form.submission_data(),
                person=person,
                entity=entity,
                uploads=to_upload,
                commitments=committed,
            )
            _form_problems(form, problems, material_errors, general)
        status = 422
    else:
        form = schema_form(version.form_schema, prefill=prefill)
        extras = ApplicationExtrasForm(initial={"case-applicant": choice}, applicants=applicants)
        delivery = DeliveryForm(region=implementation.department.region)
        token = uuid.uuid4().hex
        status = 200
    return render(
        request,
        "portal/cases/apply.html",
        {
            "implementation": implementation,
            "item": implementation.item,
            "version": version,
            "form": form,
            "extras": extras,
            "applicant_field": extras["case-applicant"] if applicants else None,
            "delivery_form": delivery,
            "applicants": applicants,
            "token": token,
            "token_field": TOKEN_FIELD,
            "materials": _material_rows(
                specs, kept, material_errors, committed, held_for_applicants(request.user, specs)
            ),
            "allow_commitment": True,
            "material_general": material_errors.get("materials", []),
            "materials_have_errors": any(k != "materials" for k in material_errors),
            "general_errors": general,
            "size_limit_mb": upload_limit() // (1024 * 1024),
            "promised_days": implementation.promised_days_for(version),
            "renewal": renewing,
        },
        status=status,
    )


@login_required
def case_list(request):
    cases = selectors.applicant_case_list(request.user)
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/cases/list.html", {"page": page})


def _render_case(request, case: Case, *, status: int = 200, **given):
    decided = case.status in selectors.DECIDED
    version = case.version
    tasks = selectors.applicant_case_tasks(case)
    context = {
        "case": case,
        "decided": decided,
        "granted": case.granted,
        "timeline": [
            {
                "at": e.at,
                "label": e.label,
                "note": e.note,
                "actor": e.actor_label,
                "status": Case.Status(e.status_to).label if e.status_to else "",
            }
            for e in selectors.applicant_timeline(case)
        ],
        "tasks": tasks,
        "planned_stages": [] if tasks else selectors.planned_stages(case),
        "materials": selectors.applicant_case_materials(case),
        "correction": selectors.open_correction(case),
        "can_withdraw": case.status in Case.TRANSITIONS["withdraw"][0],
        "open_states": Case.OPEN_STATES,
        "rating": selectors.case_rating(case),
        "suspension_notices": selectors.notified_suspensions(case),
        "size_limit_mb": upload_limit() // (1024 * 1024),
        "general_errors": given.pop("general_errors", []),
        "rating_code": given.pop("rating_code", None),
    }
    if context["correction"] is not None:
        resubmit_form = given.pop("resubmit_form", None)
        if resubmit_form is None:
            resubmit_form = schema_form(version.form_schema, prefill=_case_prefill(case), initial=dict(case.form_data))
        context.update(
            resubmit_form=resubmit_form,
            resubmit_materials=_material_rows(
                [s for s in selectors.case_material_specs(case) if not s.is_exempt],
                given.pop("kept", {}),
                given.pop("material_errors", {}),
            ),
        )
    context.update(_delivery_context(case, given.pop("delivery_form", None)))
    if case.status == Case.Status.DELIVERED and context["rating"] is None:
        context["rating_form"] = given.pop("rating_form", None) or RatingForm()
    return render(request, "portal/cases/detail.html", context, status=status)


DELIVERY_EDITABLE = (*Case.OPEN_STATES, Case.Status.GRANTED, Case.Status.DENIED)


def _delivery_context(case: Case, form=None) -> dict:
    """What the case page shows about delivery (送达): the choice, editable until delivered; the 第四十四条 date
    and the decision document come with the case itself, the licence with the result."""
    editable = case.status in DELIVERY_EDITABLE
    return {
        "delivery_form": (form or DeliveryForm(region=case.region, case=case)) if editable else None,
        "delivery_form_open": form is not None,
    }


@login_required
@require_POST
def delivery(request, number):
    case = selectors.applicant_case(request.user, number)
    form = DeliveryForm(request.POST, region=case.region)
    if form.is_valid():
        try:
            case_delivery_update(actor=request.user, case=case, **form.update())
        except ValidationFailed as exc:
            for name, errors in exc.fields.items():
                form.add_error(DeliveryForm.FIELD_OF.get(name, "delivery-method"), errors)
        else:
            messages.success(request, _("送达方式已修改"))
            return redirect("cases:detail", number=case.number)
    return _render_case(request, case, status=422, delivery_form=form)


@login_required
def decision_document(request, number):
    case = selectors.applicant_case(request.user, number)
    licence = selectors.case_licence(case)
    return private_pdf_download(
        decision_pdf(case, licence_number=licence.number if licence else ""), f"decision-{case.number}.pdf"
    )


@login_required
def suspension_notice(request, number, pk):
    """第四十五条: the written notice of a special procedure's time, for the applicant to keep."""
    suspension = selectors.notified_suspension(selectors.applicant_case(request.user, number), pk)
    return private_pdf_download(suspension_notice_pdf(suspension), f"suspension-{number}-{pk}.pdf")


def _case_prefill(case: Case) -> dict:
    return prefill_values(person=case.applicant_person, entity=case.applicant_entity)


@login_required
def case_detail(request, number):
    return _render_case(request, selectors.applicant_case(request.user, number))


@login_required
@require_POST
def supply(request, number, spec):
    """The applicant uploads a material the window accepted on 容缺 terms."""
    case = selectors.applicant_case(request.user, number)
    material = selectors.deferred_material(case, spec)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationFailed(fields={"file": [_("请选择要上传的文件")]})
        found = store_uploaded_file(actor=request.user, file=upload, field="file")
        case_material_supply(actor=request.user, case=case, spec=material.spec, stored=found, filename=found.name)
    except DomainError as exc:
        messages.error(request, " ".join(m for msgs in exc.fields.values() for m in msgs) or exc.message)
    else:
        messages.success(request, _("《%(m)s》已补齐") % {"m": material.spec.name})
    return redirect("cases:detail", number=case.number)


@login_required
@require_POST
def resubmit(request, number):
    case = selectors.applicant_case(request.user, number)
    form = schema_form(case.version.form_schema, request.POST, prefill=_case_prefill(case))
    valid = form.is_complete()
    uploads, kept, material_errors = _collect_uploads(request, selectors.case_material_specs(case))
    general: list[str] = []
    if not material_errors:
        try:
            # An invalid form is still sent, so the service names the missing materials in the same round;
            # the savepoint keeps nothing of it.
            with transaction.atomic():
                case_resubmit(actor=request.user, case=case, form_data=form.submission_data(), uploads=uploads)
                if not valid:
                    raise ValidationFailed(fields={})
        except ValidationFailed as exc:
            _form_problems(form, exc.fields, material_errors, general)
        else:
            messages.success(request, _("补正材料已提交"))
            return redirect("cases:detail", number=case.number)
    general.extend(material_errors.pop("materials", []))
    return _render_case(
        request,
        case,
        status=422,
        resubmit_form=form,
        kept=kept,
        material_errors=material_errors,
        general_errors=general,
    )


@login_required
def withdraw(request, number):
    case = selectors.applicant_case(request.user, number)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case_withdraw(actor=request.user, case=case, reason=form.cleaned_data["reason"])
        messages.success(request, _("申请已撤回"))
        return redirect("cases:detail", number=case.number)
    return render(request, "portal/cases/withdraw.html", {"case": case, "form": form})


@login_required
@require_POST
def rate(request, number):
    case = selectors.applicant_case(request.user, number)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            rating_submit(
                actor=request.user,
                case=case,
                score=form.cleaned_data["score"],
                reasons=form.cleaned_data["reasons"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationFailed as exc:
            general: list[str] = []
            _spread(exc.fields, {name: form for name in form.fields}, {}, general)
            return _render_case(request, case, status=422, rating_form=form, general_errors=general)
        messages.success(request, _("感谢您的评价"))
        return redirect("cases:detail", number=case.number)
    return _render_case(request, case, status=422, rating_form=form)


@login_required
@require_POST
def rating_code(request, number):
    """A one-time code to rate at the window's tablet; shown once, on this answer only."""
    case = selectors.applicant_case(request.user, number)
    return _render_case(request, case, rating_code=rating_code_issue(actor=request.user, case=case))


@login_required
def notifications(request):
    """The list marks nothing read by being looked at (a GET changes nothing): the applicant marks the ones
    shown as read with the page's button, a POST of their ids."""
    if request.method == "POST":
        ids = [int(pk) for pk in request.POST.getlist("read") if pk.isdigit()]
        notifications_mark_read(actor=request.user, ids=ids)
        return redirect("cases:notifications")
    rows = list(notifications_for(actor=request.user, limit=NOTIFICATIONS_SHOWN))
    unread = [n.pk for n in rows if n.read_at is None]
    return render(request, "portal/cases/notifications.html", {"notifications": rows, "unread": unread})
