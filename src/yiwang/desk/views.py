"""The one-window desk's pages. Thin: parse the request, call one service or selector, render."""

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiwang.accounts.services import person_register
from yiwang.cases.materials import DEFERRED_MATERIAL_DAYS, material_sources
from yiwang.cases.models import Case
from yiwang.cases.selectors import case_rating, deferred_material, latest_correction, specs_on_file
from yiwang.cases.services import case_deliver, case_material_supply
from yiwang.catalog.forms_schema import correction_points as form_correction_points
from yiwang.catalog.forms_schema import prefill_values, schema_form
from yiwang.core.decorators import staff_required
from yiwang.core.errors import DomainError, ValidationFailed
from yiwang.core.storage import store_uploaded_file
from yiwang.credit.selectors import acceptance_outlook
from yiwang.ratings.models import REASONS, SCORE_LABELS
from yiwang.ratings.services import rating_code_send, rating_submit_with_code

from . import selectors
from .models import QueueTicket
from .pdf import NOTICES, notice_kind, notice_pdf
from .services import (
    appointment_arrive,
    appointment_slot_add,
    appointment_slot_set_open,
    appointment_slots_generate,
    desk_intake,
    missing_materials,
    ticket_call_next,
    ticket_finish,
    ticket_issue,
)

WINDOW_KEY = "desk_window"
APPLICANT_KEY = "desk_applicant"


def _window(request):
    """The window the clerk chose for this session, if it is still one they may sit at."""
    pk = request.session.get(WINDOW_KEY)
    return selectors.clerk_windows(actor=request.user).filter(pk=pk).first() if pk else None


def _applicant(request):
    held = request.session.get(APPLICANT_KEY) or {}
    return selectors.walk_in_applicant(kind=held.get("kind", ""), pk=held.get("pk", ""))


def _desk_context(request, window, **extra):
    query = request.GET.get("q", "").strip()
    context = {
        "windows": selectors.clerk_windows(actor=request.user),
        "window": window,
        "applicant": _applicant(request),
        "query": query,
        "implementations": selectors.desk_implementations(actor=request.user, query=query) if window else [],
        "is_clerk": selectors.is_clerk(request.user),
        "tab": request.GET.get("tab", "person"),
    }
    if window is not None:
        context["ticket"] = selectors.current_ticket(actor=request.user, window=window)
        context["counts"] = selectors.queue_counts(center=window.center)
    return {**context, **extra}


@staff_required
def index(request):
    if "window" in request.GET:
        window = selectors.clerk_window(actor=request.user, pk=request.GET["window"])
        request.session[WINDOW_KEY] = window.pk
        return redirect("desk:index")
    return render(request, "desk/index.html", _desk_context(request, _window(request)))


def _queue_response(request, window, status=200, error=None):
    if request.htmx:
        return render(request, "desk/_queue.html", _desk_context(request, window, error=error), status=status)
    if error:
        messages.error(request, error)
    return redirect("desk:index")


@staff_required
@require_POST
def call(request):
    window = selectors.clerk_window(actor=request.user, pk=request.session.get(WINDOW_KEY, ""))
    ticket = ticket_call_next(actor=request.user, window=window)
    return _queue_response(request, window, error=None if ticket else _("当前没有等候的号"))


@staff_required
@require_POST
def finish(request, pk):
    window = selectors.clerk_window(actor=request.user, pk=request.session.get(WINDOW_KEY, ""))
    ticket_finish(
        actor=request.user, ticket=selectors.desk_ticket(actor=request.user, pk=pk), no_show="no_show" in request.POST
    )
    return _queue_response(request, window)


@staff_required
@require_POST
def applicant(request):
    kind = request.POST.get("kind")
    try:
        if kind == "entity":
            found = selectors.entity_by_uscc(uscc=request.POST.get("uscc", ""))
        else:
            kind = "person"
            found = person_register(
                actor=request.user,
                name=request.POST.get("name", ""),
                id_number=request.POST.get("id_number", ""),
                phone=request.POST.get("phone", ""),
            )
    except ValidationFailed as exc:
        context = _desk_context(request, _window(request), errors=exc.fields, posted=request.POST, tab=kind)
        return render(request, "desk/index.html", context, status=exc.status)
    request.session[APPLICANT_KEY] = {"kind": kind, "pk": found.pk}
    return redirect(reverse("desk:index") + "#item")


@staff_required
@require_POST
def applicant_clear(request):
    request.session.pop(APPLICANT_KEY, None)
    return redirect("desk:index")


def _application_form(implementation, person, entity, data=None):
    """The item's form, prefilled from the applicant the clerk registered, as online from the account."""
    schema = implementation.item.current_version.form_schema
    return schema_form(schema, data, prefix="f", prefill=prefill_values(person=person, entity=entity))


@staff_required
def intake(request, code):
    window, applicant_ = _window(request), _applicant(request)
    if window is None or applicant_ is None:
        messages.error(request, _("请先选择窗口并登记申请人"))
        return redirect("desk:index")
    implementation = selectors.desk_implementation(actor=request.user, code=code)
    person, entity = (None, applicant_) if hasattr(applicant_, "uscc") else (applicant_, None)
    version = implementation.item.current_version
    sources = material_sources(version, person=person, entity=entity)
    specs = [source.spec for source in sources]
    form = _application_form(implementation, person, entity, request.POST if request.method == "POST" else None)
    context = {
        "window": window,
        "applicant": applicant_,
        "implementation": implementation,
        "sources": sources,
        "credit": acceptance_outlook(entity, implementation.item),
        "deferred_days": DEFERRED_MATERIAL_DAYS,
    }
    if request.method != "POST":
        return render(request, "desk/intake.html", {**context, "form": form, "received": set()})

    def chosen(name):
        return {int(v) for v in request.POST.getlist(name) if v.isdigit()}

    received, committed, deferred = chosen("received"), chosen("committed"), chosen("deferred")
    outcome = request.POST.get("outcome", "")
    context.update(form=form, received=received, committed=committed, deferred=deferred, posted=request.POST)
    # A correction notice is what an incomplete form calls for, so only the other outcomes wait for a valid one.
    if not form.is_complete() and outcome != "correct":
        points = form_correction_points(version.form_schema, form.errors)
        posted = {**request.POST.dict(), "points": request.POST.get("points", "").strip() or "\n".join(points)}
        # The materials' state is told in the same round as the form's.
        missing = missing_materials(version, received | committed | deferred, person=person, entity=entity)
        errors = (
            {"materials": [_("尚缺必需材料：%(m)s") % {"m": "、".join(s.name for s in missing)}]} if missing else {}
        )
        return render(request, "desk/intake.html", {**context, "errors": errors, "posted": posted}, status=422)
    try:
        scans = {}
        for spec in specs:
            if (upload := request.FILES.get(f"scan-{spec.pk}")) is not None:
                found = store_uploaded_file(actor=request.user, file=upload, field=f"scan-{spec.pk}")
                scans[spec.pk] = (found, found.name)
        case = desk_intake(
            actor=request.user,
            window=window,
            implementation=implementation,
            form_data=form.submission_data(),
            form_errors={name: list(problems) for name, problems in form.errors.items()},
            outcome=outcome,
            person=person,
            entity=entity,
            received=received,
            committed=committed,
            deferred=deferred,
            scans=scans,
            points=request.POST.get("points", "").splitlines(),
            reasons=request.POST.get("reasons", ""),
            delivery_method=request.POST.get("delivery_method", Case.Delivery.WINDOW),
            delivery_recipient=request.POST.get("delivery_recipient", ""),
            delivery_phone=request.POST.get("delivery_phone", ""),
            delivery_address=request.POST.get("delivery_address", ""),
            ticket=selectors.current_ticket(actor=request.user, window=window),
        )
    except ValidationFailed as exc:
        # The schema's own checks (patterns, ranges) speak beside the field they concern, like the form's.
        for name, problems in exc.fields.items():
            if name in form.fields and name not in form.errors:
                form.add_error(name, problems)
        others = {k: v for k, v in exc.fields.items() if k not in form.fields}
        return render(request, "desk/intake.html", {**context, "errors": others}, status=exc.status)
    request.session.pop(APPLICANT_KEY, None)
    return redirect("desk:case", number=case.number)


@staff_required
def case_detail(request, number):
    case = selectors.desk_case(actor=request.user, number=number)
    kind = notice_kind(case)
    return render(
        request,
        "desk/case.html",
        {
            "case": case,
            "notice_title": NOTICES[kind][0] if kind else None,
            "missing": missing_materials(
                case.version,
                specs_on_file(case),
                person=case.applicant_person,
                entity=case.applicant_entity,
            )
            if case.status == Case.Status.CORRECTION_REQUESTED
            else [],
            "deferred": selectors.deferred_materials(case),
            "rated": case_rating(case) is not None,
            "correction": latest_correction(case),
        },
    )


@staff_required
@require_POST
def supply(request, number, spec):
    """A deferred (容缺) material handed in at the window: the scan if there is one, else the paper is noted."""
    case = selectors.desk_case(actor=request.user, number=number)
    row = deferred_material(case, spec)
    upload = request.FILES.get("scan")
    try:
        stored = store_uploaded_file(actor=request.user, file=upload, field="scan") if upload is not None else None
        case_material_supply(
            actor=request.user, case=case, spec=row.spec, stored=stored, filename=stored.name if stored else ""
        )
    except DomainError as exc:
        messages.error(request, " ".join(m for msgs in exc.fields.values() for m in msgs) or exc.message)
    else:
        messages.success(request, _("《%(m)s》已补齐") % {"m": row.spec.name})
    return redirect("desk:case", number=case.number)


@staff_required
def notice(request, number):
    case = selectors.desk_case(actor=request.user, number=number)
    _title, pdf = notice_pdf(case, request.GET.get("kind") or None)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=notice-{case.number}.pdf"
    return response


@staff_required
def outbox(request):
    return render(request, "desk/outbox.html", {"cases": selectors.outbox_cases(actor=request.user)})


@staff_required
@require_POST
def deliver(request, number):
    case = case_deliver(
        actor=request.user, case=selectors.outbox_case(actor=request.user, number=number), method=Case.Delivery.WINDOW
    )
    messages.success(request, _("%(n)s 已当面送达，可请申请人在评价器上评价") % {"n": case.number})
    return redirect("desk:outbox")


@staff_required
def rate(request, number):
    case = selectors.desk_case(actor=request.user, number=number)
    context = {"case": case, "scores": sorted(SCORE_LABELS.items(), reverse=True), "reasons": [str(r) for r in REASONS]}
    if request.method != "POST":
        return render(request, "desk/rate.html", context)
    try:
        score = int(request.POST.get("score", "0"))
    except ValueError:
        score = 0
    try:
        rating = rating_submit_with_code(
            actor=request.user,
            case=case,
            code=request.POST.get("code", ""),
            score=score,
            reasons=request.POST.getlist("reasons"),
            comment=request.POST.get("comment", ""),
        )
    except ValidationFailed as exc:
        return render(request, "desk/rate.html", {**context, "errors": exc.fields, "posted": request.POST}, status=422)
    return render(request, "desk/rated.html", {"case": case, "rating": rating})


@staff_required
@require_POST
def rating_code(request, number):
    """Send the applicant their window rating code by SMS; the clerk sees only where it went."""
    case = selectors.desk_case(actor=request.user, number=number)
    try:
        phone = rating_code_send(actor=request.user, case=case)
    except DomainError as exc:
        messages.error(request, " ".join(m for msgs in exc.fields.values() for m in msgs) or exc.message)
    else:
        messages.success(request, _("评价码已发送至申请人手机 %(p)s，请申请人在评价器上输入") % {"p": phone})
    return redirect("desk:case", number=case.number)


def kiosk(request, center):
    hall = selectors.public_center(pk=center)
    context = {"center": hall, "lanes": QueueTicket.Lane.choices, "counts": selectors.queue_counts(center=hall)}
    if request.method == "POST":
        actor = request.user if request.user.is_authenticated else None
        try:
            if "booking_code" in request.POST:
                context["ticket"] = appointment_arrive(actor=actor, center=hall, code=request.POST["booking_code"])
            else:
                context["ticket"] = ticket_issue(
                    actor=actor, center=hall, lane=request.POST.get("lane", ""), uscc=request.POST.get("uscc", "")
                )
        except DomainError as exc:
            field = "booking_code" if "booking_code" in request.POST else "uscc"
            errors = {field if name == "code" else name: problems for name, problems in exc.fields.items()}
            context.update(errors=errors or {field: [exc.message]}, posted=request.POST)
            return render(request, "desk/kiosk.html", context, status=exc.status)
        context["counts"] = selectors.queue_counts(center=hall)
    return render(request, "desk/kiosk.html", context)


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return timezone.localdate()


@staff_required
def appointments(request):
    """The halls whose bookings the staff member may see; with one hall, straight to its day."""
    centers = list(selectors.appointment_centers(actor=request.user))
    if len(centers) == 1:
        return redirect("desk:appointment_center", center=centers[0].pk)
    return render(request, "desk/appointments.html", {"centers": centers})


@staff_required
def appointment_center(request, center):
    hall = selectors.appointment_center(actor=request.user, pk=center)
    return _center_page(request, hall, _day(request.GET.get("day", "")))


def _center_page(request, hall, day, status=200, **extra):
    """A hall's bookings of one day; a refused form comes back on it with its errors and what was typed."""
    context = {
        "center": hall,
        "day": day,
        "previous": day - dt.timedelta(days=1),
        "next": day + dt.timedelta(days=1),
        "slots": selectors.center_day(actor=request.user, center=hall, day=day),
        "manages": selectors.manages_slots(actor=request.user, center=hall),
        "now": timezone.now(),
        **extra,
    }
    return render(request, "desk/appointment_center.html", context, status=status)


def _back_to_day(center, day) -> HttpResponse:
    return redirect(reverse("desk:appointment_center", args=[center.pk]) + f"?day={day:%Y-%m-%d}")


@staff_required
@require_POST
def appointment_checkin(request, center):
    """The clerk looks a booking code up for a visitor and hands them the ticket it turns into."""
    hall = selectors.appointment_center(actor=request.user, pk=center)
    try:
        ticket = appointment_arrive(actor=request.user, center=hall, code=request.POST.get("booking_code", ""))
    except DomainError as exc:
        errors = {"booking_code": [m for msgs in exc.fields.values() for m in msgs] or [exc.message]}
        return _center_page(request, hall, timezone.localdate(), exc.status, errors=errors, posted=request.POST)
    appointment = ticket.appointment
    messages.success(
        request,
        _("预约 %(code)s（%(name)s）已取号：%(n)s%(late)s")
        % {
            "code": appointment.code,
            "name": appointment.applicant_name,
            "n": ticket.number,
            "late": _("，已过预约时段，按普通号排队") if appointment.late else "",
        },
    )
    return _back_to_day(hall, ticket.day)


@staff_required
@require_POST
def appointment_slot_new(request, center):
    hall = selectors.appointment_center(actor=request.user, pk=center)
    try:
        slot = appointment_slot_add(
            actor=request.user,
            center=hall,
            day=request.POST.get("day", ""),
            starts=request.POST.get("starts", ""),
            ends=request.POST.get("ends", ""),
            capacity=request.POST.get("capacity", ""),
        )
    except ValidationFailed as exc:
        day = _day(request.POST.get("day", ""))
        return _center_page(request, hall, day, exc.status, slot_errors=exc.fields, posted=request.POST)
    messages.success(
        request, _("已加开时段 %(s)s") % {"s": f"{slot.day:%Y-%m-%d} {slot.starts:%H:%M}—{slot.ends:%H:%M}"}
    )
    return _back_to_day(hall, slot.day)


@staff_required
@require_POST
def appointment_generate(request, center):
    hall = selectors.appointment_center(actor=request.user, pk=center)
    made = appointment_slots_generate(actor=request.user, center=hall)
    messages.success(request, _("已按每周排班生成 %(n)d 个时段") % {"n": made})
    return redirect("desk:appointment_center", center=hall.pk)


@staff_required
@require_POST
def appointment_slot_toggle(request, pk):
    slot = appointment_slot_set_open(
        actor=request.user, slot=selectors.center_slot(actor=request.user, pk=pk), open="open" in request.POST
    )
    messages.success(request, _("时段已开放预约") if slot.open else _("时段已停止预约，已有的预约仍然有效"))
    return _back_to_day(slot.center, slot.day)
