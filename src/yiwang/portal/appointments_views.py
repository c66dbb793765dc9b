"""网上预约: book a slot at a service centre for an item, see and cancel one's bookings.

Reads through yiwang.desk.selectors (a person sees only their own bookings), writes through yiwang.desk.services;
an error comes back beside the field it names, with the choices made kept."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.catalog.selectors import open_implementation
from yiwang.core.errors import DomainError, ValidationFailed
from yiwang.desk import selectors, services


def _applicants(user) -> list[tuple[str, str]]:
    """Whom the account may book for: the enterprises it is the agent of, and the person it belongs to."""
    choices = [(f"entity-{e.pk}", e.name) for e in user.entities.order_by("name")]
    person = getattr(user, "person", None)
    if person is not None:
        choices.append(("person", _("本人：%(p)s") % {"p": person.name}))
    return choices


def _entity(user, choice: str):
    if choice.startswith("entity-") and choice.removeprefix("entity-").isdigit():
        found = user.entities.filter(pk=int(choice.removeprefix("entity-"))).first()
        if found is None:
            raise ValidationFailed(fields={"applicant": [_("请选择办事人")]})
        return found
    if choice != "person":
        raise ValidationFailed(fields={"applicant": [_("请选择办事人")]})
    return None


def _day(value: str, days) -> dt.date | None:
    try:
        chosen = dt.date.fromisoformat(value)
    except ValueError:
        chosen = None
    return chosen if chosen in days else next(iter(days), None)


@login_required
def appointment_list(request):
    return render(
        request,
        "portal/appointments/list.html",
        {"appointments": selectors.my_appointments(actor=request.user), "now": timezone.now()},
    )


@login_required
def appointment_new(request, code):
    implementation = open_implementation(code=code)
    days = selectors.bookable_slots(implementation=implementation)
    data = request.POST if request.method == "POST" else request.GET
    day = _day(data.get("day", ""), days)
    applicants = _applicants(request.user)
    context = {
        "implementation": implementation,
        "item": implementation.item,
        "days": days,
        "day": day,
        "slots": days.get(day, []),
        "applicants": applicants,
        "posted": request.POST,
        "grace_minutes": int(selectors.ARRIVAL_GRACE.total_seconds() // 60),
        "horizon": selectors.BOOKING_HORIZON_DAYS,
    }
    if request.method != "POST":
        return render(request, "portal/appointments/new.html", context)
    slot = selectors.open_slot(pk=request.POST.get("slot", ""))
    try:
        if slot is None:
            raise ValidationFailed(fields={"slot": [_("请选择预约时段")]})
        appointment = services.appointment_book(
            actor=request.user,
            implementation=implementation,
            slot=slot,
            entity=_entity(request.user, request.POST.get("applicant", "")),
        )
    except ValidationFailed as exc:
        # The slot may have filled up meanwhile: show the day's slots as they are now.
        days = selectors.bookable_slots(implementation=implementation)
        context.update(days=days, slots=days.get(day, []), errors=exc.fields)
        return render(request, "portal/appointments/new.html", context, status=exc.status)
    messages.success(request, _("预约成功，预约码 %(code)s") % {"code": appointment.code})
    return redirect("portal:appointment_detail", code=appointment.code)


@login_required
def appointment_detail(request, code):
    appointment = selectors.my_appointment(actor=request.user, code=code)
    return render(
        request,
        "portal/appointments/detail.html",
        {
            "appointment": appointment,
            "now": timezone.now(),
            "grace_minutes": int(selectors.ARRIVAL_GRACE.total_seconds() // 60),
        },
    )


@login_required
def appointment_cancel(request, code):
    appointment = selectors.my_appointment(actor=request.user, code=code)
    if request.method == "POST":
        try:
            cancelled = services.appointment_cancel(actor=request.user, appointment=appointment)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("portal:appointment_detail", code=appointment.code)
        messages.success(request, _("预约 %(code)s 已取消") % {"code": cancelled.code})
        return redirect("portal:appointment_list")
    return render(request, "portal/appointments/cancel.html", {"appointment": appointment})
