"""Reads at the desk, each restricted to what the acting clerk may see; missing and forbidden are one 404."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.accounts.identifiers import clean_uscc
from yiwang.accounts.models import Entity, Person
from yiwang.cases.models import Case, CaseMaterial
from yiwang.catalog.models import ItemImplementation
from yiwang.catalog.search import search
from yiwang.catalog.selectors import staff_implementation_list
from yiwang.core.calendar import WorkCalendar
from yiwang.core.errors import NotFound, ValidationFailed
from yiwang.core.permissions import can_do, restrict
from yiwang.org.models import ServiceCenter, Window

from .models import Appointment, AppointmentSlot, QueueTicket


def is_clerk(actor) -> bool:
    return can_do(actor, "window_intake")


def clerk_windows(*, actor) -> QuerySet[Window]:
    """The windows of the halls in the clerk's region: the ones they may sit at."""
    if not is_clerk(actor):
        return Window.objects.none()
    return restrict(Window.objects.select_related("center", "department"), actor, "accept").order_by(
        "center__region__path", "center", "number"
    )


def clerk_window(*, actor, pk) -> Window:
    found = clerk_windows(actor=actor).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound()
    return found


def public_center(*, pk: int) -> ServiceCenter:
    """A hall, for its kiosk: public, as the hall itself is."""
    found = ServiceCenter.objects.select_related("region").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def queue_counts(*, center) -> dict[str, int]:
    """How many are waiting today in each lane of the hall."""
    today = timezone.localdate()
    counts = QueueTicket.objects.filter(center=center, day=today, status=QueueTicket.Status.WAITING).aggregate(
        normal=Count("pk", filter=Q(lane=QueueTicket.Lane.NORMAL)),
        priority=Count("pk", filter=Q(lane=QueueTicket.Lane.PRIORITY)),
        appointment=Count("pk", filter=Q(lane=QueueTicket.Lane.APPOINTMENT)),
    )
    return counts


def current_ticket(*, actor, window: Window) -> QueueTicket | None:
    """The number now called to this window, if any (with the booking it came from, if it came from one)."""
    return (
        restrict(QueueTicket.objects.select_related("appointment__implementation__item"), actor, "accept")
        .filter(window=window, day=timezone.localdate(), status=QueueTicket.Status.CALLED)
        .first()
    )


def desk_ticket(*, actor, pk) -> QueueTicket:
    found = restrict(QueueTicket.objects.all(), actor, "accept").filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound()
    return found


def desk_implementations(*, actor, query: str = "") -> list[ItemImplementation]:
    """What the clerk may accept, in their region; with a query, ranked by the catalog's search."""
    available = staff_implementation_list(actor=actor, action="accept").filter(
        active=True, item__current_version__isnull=False
    )
    if not query.strip():
        return list(available)
    ranked = [hit.code for hit in search(query, limit=30) if hit.kind == "item"]
    found = {impl.item.code: impl for impl in available.filter(item__code__in=ranked)}
    return [found[code] for code in ranked if code in found]


def desk_implementation(*, actor, code: str) -> ItemImplementation:
    found = (
        staff_implementation_list(actor=actor, action="accept")
        .filter(code=code, active=True, item__current_version__isnull=False)
        .select_related("item__current_version")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def entity_by_uscc(*, uscc: str) -> Entity:
    """An enterprise already on the register, found by its USCC; the desk never creates one."""
    try:
        number = clean_uscc(uscc)
    except ValidationError as exc:
        raise ValidationFailed(fields={"uscc": exc.messages}) from None
    found = Entity.objects.filter(uscc=number).first()
    if found is None:
        raise ValidationFailed(fields={"uscc": [_("主体库中没有该统一社会信用代码，请先办理设立登记")]})
    return found


def deferred_materials(case: Case) -> list:
    """The case's materials taken on trust, 容缺 (still to come, with their due date) or 告知承诺, for the desk."""
    waived = (CaseMaterial.Provided.DEFERRED, CaseMaterial.Provided.COMMITMENT)
    return list(case.materials.filter(provided__in=waived).select_related("spec").order_by("spec__position"))


def walk_in_applicant(*, kind: str, pk) -> Person | Entity | None:
    """The applicant the clerk registered or found earlier in this visit (kept in the clerk's session)."""
    model = {"person": Person, "entity": Entity}.get(kind)
    return model.objects.filter(pk=pk).first() if model and str(pk).isdigit() else None


def desk_case(*, actor, number: str) -> Case:
    found = (
        restrict(Case.objects.all(), actor, "accept")
        .select_related("item", "version", "department", "region", "intake_window__center")
        .select_related("applicant_person", "applicant_entity")
        .filter(number=number)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def outbox_cases(*, actor) -> QuerySet[Case]:
    """一窗出件: decided cases collected at the clerk's halls: walk-ins that applied at one of its windows, and
    online applications whose applicant chose one of them as the place to collect."""
    centers = clerk_windows(actor=actor).values("center")
    return (
        restrict(Case.objects.all(), actor, "deliver")
        .filter(
            Q(intake_window__center__in=centers, pickup_center__isnull=True) | Q(pickup_center__in=centers),
            status__in=(Case.Status.GRANTED, Case.Status.DENIED),
            delivery_method=Case.Delivery.WINDOW,
        )
        .select_related("item", "intake_window__center", "pickup_center", "applicant_person", "applicant_entity")
        .order_by(F("delivery_due").asc(nulls_last=True), "decided_at", "pk")
    )


def outbox_case(*, actor, number: str) -> Case:
    found = outbox_cases(actor=actor).filter(number=number).first()
    if found is None:
        raise NotFound()
    return found


# ---------------------------------------------------------------------------------------------------------------
# 网上预约

# How far ahead a booking may reach, in working days after today; the timetable is generated as far.
BOOKING_HORIZON_DAYS = 10
# How long before the slot starts a booked visitor may already take their appointment-lane ticket.
ARRIVAL_GRACE = dt.timedelta(minutes=30)


def last_bookable_day(region) -> dt.date:
    return WorkCalendar(region).add_working_days(timezone.localdate(), BOOKING_HORIZON_DAYS).date


def slot_serves(slot: AppointmentSlot, implementation: ItemImplementation) -> bool:
    """A hall handles its own district's items: at the general windows any of them, at a department's only its."""
    department = implementation.department
    return slot.center.region_id == department.region_id and slot.department_id in (None, department.pk)


def _serving(implementation: ItemImplementation) -> QuerySet[AppointmentSlot]:
    department = implementation.department
    return AppointmentSlot.objects.filter(
        Q(department__isnull=True) | Q(department=department), center__region=department.region_id
    )


def _upcoming(slots: QuerySet[AppointmentSlot], region) -> QuerySet[AppointmentSlot]:
    today = timezone.localdate()
    return slots.filter(open=True, day__gte=today, day__lte=last_bookable_day(region))


def is_bookable(*, implementation: ItemImplementation | None) -> bool:
    """Whether the guide offers 网上预约: a hall that handles the item has open slots in the booking horizon."""
    if implementation is None or not implementation.active:
        return False
    return _upcoming(_serving(implementation), implementation.department.region).exists()


def bookable_slots(*, implementation: ItemImplementation) -> dict[dt.date, list[AppointmentSlot]]:
    """The slots still open to booking for the item, by day: open, not over, not full; each with `remaining`."""
    now = timezone.now()
    slots = (
        _upcoming(_serving(implementation), implementation.department.region)
        .select_related("center")
        .annotate(taken=Count("appointments", filter=Q(appointments__status__in=Appointment.ACTIVE)))
        .order_by("day", "starts", "center", "pk")
    )
    days: dict[dt.date, list[AppointmentSlot]] = {}
    for slot in slots:
        slot.remaining = slot.capacity - slot.taken
        if slot.remaining > 0 and slot.ends_at() > now:
            days.setdefault(slot.day, []).append(slot)
    return days


def my_appointments(*, actor) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(user=actor)
        .select_related("slot__center", "implementation__item", "ticket", "entity")
        .order_by("-day", "-slot__starts", "-pk")
    )


def my_appointment(*, actor, code: str) -> Appointment:
    found = my_appointments(actor=actor).filter(code=code).first()
    if found is None:
        raise NotFound()
    return found


def appointment_centers(*, actor) -> QuerySet[ServiceCenter]:
    """The halls whose bookings the staff member may see."""
    return restrict(ServiceCenter.objects.select_related("region"), actor, "appointments").order_by("region__path")


def appointment_center(*, actor, pk) -> ServiceCenter:
    found = appointment_centers(actor=actor).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound()
    return found


def manages_slots(*, actor, center: ServiceCenter) -> bool:
    return restrict(ServiceCenter.objects.filter(pk=center.pk), actor, "appointment_slots").exists()


def center_day(*, actor, center: ServiceCenter, day: dt.date) -> list[AppointmentSlot]:
    """A hall's slots of one day with their bookings, for its staff."""
    bookings = Appointment.objects.select_related("implementation__item", "ticket", "entity").order_by("pk")
    return list(
        restrict(AppointmentSlot.objects.all(), actor, "appointments")
        .filter(center=center, day=day)
        .select_related("department")
        .prefetch_related(Prefetch("appointments", queryset=bookings))
        .order_by("starts", "pk")
    )


def center_slot(*, actor, pk) -> AppointmentSlot:
    found = restrict(AppointmentSlot.objects.all(), actor, "appointments").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def open_slot(*, pk) -> AppointmentSlot | None:
    """The slot a booking form names; whether it may still be booked is the booking service's to say."""
    return AppointmentSlot.objects.select_related("center").filter(pk=pk).first() if str(pk).isdigit() else None
