"""The grid's staff pages: a 网格员's own cells, one cell, the map with its GeoJSON feeds, and 上门代办."""

import datetime as dt
import uuid

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiwang.cases.delivery import pickup_centers
from yiwang.cases.models import Case
from yiwang.catalog.forms_schema import prefill_values, schema_form
from yiwang.catalog.selectors import published_items, version_materials
from yiwang.core.decorators import staff_required
from yiwang.core.errors import NotFound, ValidationFailed
from yiwang.core.permissions import can_do
from yiwang.core.storage import UploadQuotaExceeded, download_response, store_uploaded_file

from . import selectors, services
from .layers import layer_geojson, layers
from .models import HomeServiceConsent

GEOJSON = "application/geo+json"


def _require_can(actor, action: str) -> None:
    """Staff with no business on the grid get the same 404 as a row they may not see."""
    if not can_do(actor, action):
        raise NotFound()


@staff_required
def mine(request):
    _require_can(request.user, "grid_work")
    return render(request, "grid/mine.html", {"cells": selectors.my_cells(request.user)})


@staff_required
def cell(request, code):
    found = selectors.cell_for(request.user, code)
    return render(request, "grid/cell.html", {"cell": found, "workers": selectors.active_workers(found)})


@staff_required
def grid_map(request):
    _require_can(request.user, "grid_view")
    return render(request, "grid/map.html", {"layers": layers()})


@staff_required
def cells_geojson(request):
    _require_can(request.user, "grid_view")
    return JsonResponse(selectors.cells_geojson(request.user), content_type=GEOJSON)


@staff_required
def layer(request, key):
    _require_can(request.user, "grid_view")
    return JsonResponse(layer_geojson(key, request.user), content_type=GEOJSON)


# --- 上门代办 ----------------------------------------------------------------------------------------------------


@staff_required
def home_service(request):
    """The 网格员's 上门代办: the residents' consents they recorded and the cases they applied for."""
    _require_can(request.user, "grid_work")
    consents = list(selectors.home_consents(request.user)[: selectors.HOME_CASES_SHOWN])
    for consent in consents:
        consent.in_force = selectors.home_consent_in_force(consent)
    context = {"consents": consents, "cases": selectors.home_service_cases(request.user)}
    return render(request, "grid/home_service.html", context)


def _upload(request, field: str, errors: dict):
    """The file chosen for this field, stored and checked by content; None when none was chosen or it failed."""
    upload = request.FILES.get(field)
    if upload is None:
        return None
    try:
        return store_uploaded_file(actor=request.user, file=upload, field=field)
    except (ValidationFailed, UploadQuotaExceeded) as exc:
        errors.update(exc.fields)
        return None


def _date(value: str):
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


@staff_required
def consent_new(request):
    """Record a resident's consent: who, where, why, how they consented, and for what."""
    _require_can(request.user, "grid_work")
    context = {
        "cells": selectors.my_cells(request.user),
        "items": published_items().order_by("code"),
        "reasons": HomeServiceConsent.Reason.choices,
        "methods": HomeServiceConsent.Method.choices,
        "posted": request.POST,
    }
    if request.method != "POST":
        return render(request, "grid/consent_new.html", context)
    post, errors = request.POST, {}
    scan = _upload(request, "consent_form", errors)
    if not errors:
        try:
            consent = services.home_consent_record(
                actor=request.user,
                cell_code=post.get("cell", ""),
                name=post.get("name", ""),
                id_number=post.get("id_number", ""),
                phone=post.get("phone", ""),
                address=post.get("address", ""),
                longitude=post.get("longitude", ""),
                latitude=post.get("latitude", ""),
                reason=post.get("reason", ""),
                method=post.get("method", ""),
                consent_form=scan,
                witness_name=post.get("witness_name", ""),
                witness_phone=post.get("witness_phone", ""),
                item_code=post.get("item_code", ""),
                expires_on=_date(post.get("expires_on", "")),
            )
        except ValidationFailed as exc:
            errors = exc.fields
        else:
            messages.success(request, _("已记录 %(p)s 的上门代办授权") % {"p": consent.person})
            return redirect("grid:consent", pk=consent.pk)
    return render(request, "grid/consent_new.html", {**context, "errors": errors}, status=422)


@staff_required
def consent(request, pk):
    """One consent: its terms, the items it lets the 网格员 apply for, the cases applied for under it."""
    _require_can(request.user, "grid_work")
    found = selectors.home_consent(request.user, pk)
    in_force = selectors.home_consent_in_force(found)
    query = request.GET.get("q", "").strip()
    context = {
        "consent": found,
        "in_force": in_force,
        "query": query,
        "implementations": selectors.home_implementations(found, query=query) if in_force else [],
        "cases": found.cases.select_related("item").order_by("-created_at"),
    }
    return render(request, "grid/consent.html", context)


@staff_required
def consent_scan(request, pk):
    """The signed consent form's scan, for whom grid_work lets read it (selectors.home_consent_scan); the same 404
    as a missing consent for anyone else. Always a download, never shown inline, as a work order's files are."""
    found = selectors.home_consent_scan(request.user, pk)
    return download_response(key=found.form_key, content_type=found.form_type, filename=found.form_name)


@staff_required
@require_POST
def consent_revoke(request, pk):
    _require_can(request.user, "grid_work")
    found = services.home_consent_revoke(
        actor=request.user, consent=selectors.home_consent(request.user, pk), reason=request.POST.get("reason", "")
    )
    messages.success(request, _("已撤回 %(p)s 的上门代办授权") % {"p": found.person})
    return redirect("grid:consent", pk=found.pk)


@staff_required
def home_apply(request, pk, code):
    """Apply for the resident: the item's form prefilled from their register entry, the materials photographed or
    scanned at their home, and how the result reaches them."""
    _require_can(request.user, "grid_work")
    found = selectors.home_consent(request.user, pk)
    implementation = selectors.home_implementation(found, code)
    version = implementation.item.current_version
    specs = [spec for spec in version_materials(version) if not spec.is_exempt]
    prefill = prefill_values(person=found.person)
    centers = list(pickup_centers(implementation.department.region))
    context = {
        "consent": found,
        "implementation": implementation,
        "specs": specs,
        "centers": centers,
        "deliveries": Case.Delivery.choices,
        "posted": request.POST,
        "token": request.POST.get("token", "")[:64] or uuid.uuid4().hex,
    }
    if request.method != "POST":
        return render(request, "grid/home_apply.html", {**context, "form": _shown(version, found.person)})
    post, errors = request.POST, {}
    form = schema_form(version.form_schema, post, prefill=prefill)
    complete = form.is_complete()
    uploads = {}
    for spec in specs:
        stored = _upload(request, f"material_{spec.pk}", errors)
        if stored is not None:
            uploads[spec.pk] = (stored, stored.name or spec.name)
    committed = {spec.pk for spec in specs if spec.commitment and post.get(f"commit-{spec.pk}")}
    center = next((c for c in centers if str(c.pk) == post.get("pickup_center")), None)
    if complete and not errors:
        try:
            case = services.home_service_submit(
                actor=request.user,
                consent=found,
                implementation=implementation,
                form_data=form.submission_data(),
                uploads={pk: upload for pk, upload in uploads.items() if pk not in committed},
                commitments=committed,
                delivery_method=post.get("delivery_method", ""),
                delivery_recipient=post.get("delivery_recipient", ""),
                delivery_phone=post.get("delivery_phone", ""),
                delivery_address=post.get("delivery_address", ""),
                pickup_center=center,
                idempotency_key=context["token"],
            )
        except ValidationFailed as exc:
            for name, problems in exc.fields.items():
                if name in form.fields:
                    form.add_error(name, problems)
                else:
                    errors.setdefault(name, []).extend(problems)
        else:
            messages.success(request, _("已为 %(p)s 代办申报，办件编号 %(n)s") % {"p": found.person, "n": case.number})
            return redirect("grid:home_service")
    shown = _shown(version, found.person, post, form.errors)
    return render(request, "grid/home_apply.html", {**context, "form": shown, "errors": errors}, status=422)


def _shown(version, person, data=None, errors=None):
    """The application form as drawn for the 网格员: the resident's identity number masked in its locked field. The
    field is disabled, so nothing posted for it counts: the service takes the number from the register."""
    prefill = {**prefill_values(person=person), "person.id_number": person.masked_id_number}
    shown = schema_form(version.form_schema, data, prefill=prefill)
    if errors is not None:
        # The verdict is the real form's (with the real number); this one is only drawn, never validated.
        shown._errors = errors
    return shown
