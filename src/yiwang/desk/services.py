"""Every write at the one-window desk: queue tickets, and a walk-in's intake ending in one of the three
outcomes (受理 / 一次性告知补正 / 不予受理). Keyword-only, actor explicit, one transaction each with its audit entry;
the case itself only ever changes through yiwang.cases.services."""

import datetime as dt
import secrets

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import IntegerField, Max, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.accounts.identifiers import clean_uscc
from yiwang.accounts.models import Entity
from yiwang.cases import services as cases
from yiwang.cases.materials import material_sources
from yiwang.cases.models import Case
from yiwang.catalog.forms_schema import correction_points as form_correction_points
from yiwang.catalog.forms_schema import submission_errors
from yiwang.catalog.models import ItemImplementation
from yiwang.core.audit import audit_record
from yiwang.core.calendar import WorkCalendar
from yiwang.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from yiwang.core.events import emit
from yiwang.core.notifications import notify
from yiwang.core.permissions import can_do, restrict
from yiwang.core.storage import StoredFile
from yiwang.credit.selectors import green_channel
from yiwang.org.models import ServiceCenter, Window

from .models import Appointment, AppointmentPattern, AppointmentSlot, QueueTicket
from .selectors import ARRIVAL_GRACE, BOOKING_HORIZON_DAYS, last_bookable_day, slot_serves

OUTCOMES = ("accept", "correct", "refuse")
# Paper handed over the counter without a scan: the case records it as received at the window, with no file.


def _require_clerk(actor) -> None:
    if not can_do(actor, "window_intake"):
        raise PermissionDenied(_("只有窗口人员可以在窗口办理"))


def _window(actor, window: Window) -> Window:
    found = restrict(Window.objects.select_related("center__region"), actor, "accept").filter(pk=window.pk).first()
    if found is None:
        raise NotFound()
    return found


@transaction.atomic
def ticket_issue(
    *, actor=None, center: ServiceCenter, lane: str = QueueTicket.Lane.NORMAL, uscc: str = ""
) -> QueueTicket:
    """A kiosk prints the next number of the lane; anyone may take one, no login needed.

    An enterprise's USCC typed in at the kiosk puts a red-listed entity in the priority lane (绿色通道); the red
    list is public, so saying so on the ticket discloses nothing."""
    # The appointment lane is reached only with a booking code (appointment_arrive), never by a button.
    if lane not in (QueueTicket.Lane.NORMAL, QueueTicket.Lane.PRIORITY):
        raise ValidationFailed(fields={"lane": [_("请选择普通或优先队列")]})
    green = False
    if uscc.strip():
        try:
            number = clean_uscc(uscc)
        except DjangoValidationError as exc:
            raise ValidationFailed(fields={"uscc": exc.messages}) from None
        green = green_channel(Entity.objects.filter(uscc=number).first())
        lane = QueueTicket.Lane.PRIORITY if green else lane
    ticket = _print_ticket(center, lane, green=green)
    audit_record(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action="ticket.issue",
        target=ticket,
        data={"center": center.pk, "number": ticket.number, "green_channel": green},
    )
    return ticket


def _print_ticket(center: ServiceCenter, lane: str, *, green: bool = False) -> QueueTicket:
    # Locking the hall serialises numbering there: two kiosks never print the same number.
    center = ServiceCenter.objects.select_for_update().get(pk=center.pk)
    today = timezone.localdate()
    last = QueueTicket.objects.filter(center=center, day=today, lane=lane).aggregate(m=Max("sequence"))["m"] or 0
    return QueueTicket.objects.create(
        center=center,
        day=today,
        sequence=last + 1,
        number=f"{QueueTicket.PREFIX[lane]}{last + 1:03d}",
        lane=lane,
        green_channel=green,
    )


@transaction.atomic
def ticket_call_next(*, actor, window: Window) -> QueueTicket | None:
    """Call the next waiting number to the clerk's window: the priority lane first, then those who booked and came
    on time, then the longest waiting.

    Two clerks pressing 叫号 at once never get the same ticket: on PostgreSQL each locks the row it takes and
    skips rows another transaction holds; on SQLite the IMMEDIATE transaction lets one writer in at a time."""
    _require_clerk(actor)
    window = _window(actor, window)
    today = timezone.localdate()
    current = QueueTicket.objects.filter(window=window, day=today, status=QueueTicket.Status.CALLED).first()
    if current is not None:
        raise Conflict(_("本窗口的 %(n)s 号尚未办结，请先办结或标记过号") % {"n": current.number})
    priority_first = models.Case(
        When(lane=QueueTicket.Lane.PRIORITY, then=Value(0)),
        When(lane=QueueTicket.Lane.APPOINTMENT, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    ticket = (
        QueueTicket.objects.select_for_update(skip_locked=True)
        .filter(center=window.center_id, day=today, status=QueueTicket.Status.WAITING)
        .order_by(priority_first, "issued_at", "pk")
        .first()
    )
    if ticket is None:
        return None
    ticket.status, ticket.window, ticket.called_by, ticket.called_at = (
        QueueTicket.Status.CALLED,
        window,
        actor,
        timezone.now(),
    )
    ticket.save(update_fields=["status", "window", "called_by", "called_at"])
    audit_record(actor=actor, action="ticket.call", target=ticket, data={"number": ticket.number, "window": window.pk})
    return ticket


@transaction.atomic
def ticket_finish(*, actor, ticket: QueueTicket, case: Case | None = None, no_show: bool = False) -> QueueTicket:
    """The visit is over: served (with the case it produced, if any) or the applicant did not come (过号)."""
    _require_clerk(actor)
    found = restrict(QueueTicket.objects.all(), actor, "accept").filter(pk=ticket.pk).values_list("pk", flat=True)
    ticket = QueueTicket.objects.select_for_update().filter(pk__in=list(found)).first()
    if ticket is None:
        raise NotFound()
    if ticket.status != QueueTicket.Status.CALLED:
        raise InvalidTransition(
            _("%(n)s 号当前为「%(s)s」，不能办结") % {"n": ticket.number, "s": ticket.get_status_display()}
        )
    if case is not None and not restrict(Case.objects.all(), actor, "accept").filter(pk=case.pk).exists():
        raise NotFound()
    ticket.status = QueueTicket.Status.NO_SHOW if no_show else QueueTicket.Status.SERVED
    ticket.finished_at, ticket.case = timezone.now(), None if no_show else case
    ticket.save(update_fields=["status", "finished_at", "case"])
    audit_record(
        actor=actor,
        action="ticket.finish",
        target=ticket,
        data={"number": ticket.number, "status": ticket.status, "case": case.number if case else ""},
    )
    return ticket


def missing_materials(version, received, *, person=None, entity=None) -> list:
    """Required materials the applicant must still hand in: neither drawn by the platform nor received."""
    return [
        source.spec
        for source in material_sources(version, person=person, entity=entity)
        if source.to_hand_in and source.spec.required and source.spec.pk not in received
    ]


def correction_points(missing) -> list[str]:
    # A licence the e-licence store does not hold is shown in its paper original.
    return [
        _("补交《%(name)s》（%(form)s）")
        % {"name": spec.name, "form": _("原件") if spec.from_licence else spec.get_form_display()}
        for spec in missing
    ]


@transaction.atomic
def desk_intake(
    *,
    actor,
    window: Window,
    implementation: ItemImplementation,
    form_data: dict,
    outcome: str,
    person=None,
    entity=None,
    received=(),
    scans: dict[int, tuple[StoredFile, str]] | None = None,
    points=(),
    reasons: str = "",
    delivery_method: str = Case.Delivery.WINDOW,
    ticket: QueueTicket | None = None,
    committed=(),
    deferred=(),
    delivery_recipient: str = "",
    delivery_phone: str = "",
    delivery_address: str = "",
    form_errors: dict[str, list[str]] | None = None,
) -> Case:
    """A walk-in's application taken at the window and settled on the spot, all or nothing:
    submitted (channel=window) and then accepted, returned with one correction notice listing every missing
    material and the clerk's own points, or refused with reasons. The called ticket, if any, is closed with it.

    `committed` materials are replaced by the applicant's written commitment (告知承诺); `deferred` ones are
    accepted to be supplied later (容缺受理), which acceptance checks against the catalog and credit.

    `form_errors` are what the page found wrong with the form beyond the schema's own checks. An incomplete
    form may still be registered to receive its 一次性告知书, which then lists the form's points with the
    materials' (第三十二条: one notice, everything); accepting or refusing needs a complete form."""
    _require_clerk(actor)
    if outcome not in OUTCOMES:
        raise ValidationFailed(fields={"outcome": [_("请选择受理、一次性告知补正或不予受理")]})
    if delivery_method not in Case.Delivery.values:
        raise ValidationFailed(fields={"delivery_method": [_("不是可选的送达方式")]})
    window = _window(actor, window)
    visible = restrict(ItemImplementation.objects.all(), actor, "accept").filter(pk=implementation.pk)
    implementation = visible.select_related("item__current_version").first()
    if implementation is None or implementation.item.current_version is None:
        raise NotFound()
    scans = scans or {}
    handed_in = set(received) | set(scans)
    committed = set(committed) - handed_in
    deferred = set(deferred) - handed_in - committed if outcome == "accept" else set()
    version = implementation.item.current_version
    known = set(version.materials.values_list("pk", flat=True))
    if (handed_in | committed | deferred) - known:
        raise ValidationFailed(fields={"materials": [_("收取的材料不属于本事项")]})
    missing = missing_materials(version, handed_in | committed | deferred, person=person, entity=entity)
    extra = [p.strip() for p in points if p and p.strip()]
    schema = version.form_schema
    incomplete = dict(form_errors or {})
    for name, problems in submission_errors(schema, form_data).items():
        incomplete.setdefault(name, problems)
    if incomplete and outcome != "correct":
        raise ValidationFailed(_("申请表尚不完整：请修改，或一次性告知补正"), fields=incomplete)
    form_points = form_correction_points(schema, incomplete)
    if outcome == "accept" and missing:
        raise ValidationFailed(
            fields={
                "materials": [
                    _("材料不齐，不能受理：%(m)s。请一次性告知补正。") % {"m": "、".join(s.name for s in missing)}
                ]
            }
        )
    if outcome == "correct" and not (missing or extra or form_points):
        raise ValidationFailed(fields={"points": [_("材料已齐全；如需补正，请写明补正内容")]})
    if outcome == "refuse" and not reasons.strip():
        raise ValidationFailed(fields={"reasons": [_("不予受理必须说明理由")]})
    uploads = {pk: scans.get(pk, (None, "")) for pk in handed_in}
    case = cases.case_submit(
        actor=actor,
        implementation=implementation,
        form_data=form_data,
        person=person,
        entity=entity,
        uploads=uploads,
        channel=Case.Channel.WINDOW,
        window=window,
        delivery_method=delivery_method,
        delivery_recipient=delivery_recipient,
        delivery_phone=delivery_phone,
        delivery_address=delivery_address,
        commitments=committed,
        deferred=deferred,
        incomplete_form=bool(incomplete),
    )
    if outcome == "accept":
        case = cases.case_accept(actor=actor, case=case, window=window)
    elif outcome == "correct":
        # The clerk may have kept the pre-filled points in the notice's text: each point is told once.
        notice_points = dict.fromkeys([*form_points, *correction_points(missing), *extra])
        case = cases.case_request_correction(actor=actor, case=case, points=list(notice_points)).case
    else:
        case = cases.case_refuse_acceptance(actor=actor, case=case, reasons=reasons)
    if ticket is not None:
        ticket_finish(actor=actor, ticket=ticket, case=case)
    return case


# ---------------------------------------------------------------------------------------------------------------
# 网上预约: a hall's bookable slots, a person's booking of one, and the booking turned into a queue ticket.

SLOT_CAPACITY_MAX = 200
CODE_DIGITS = 8


def _managed_center(actor, center: ServiceCenter) -> ServiceCenter:
    """The hall, if the actor may maintain its slots; a hall of another district is the same 404 as none."""
    found = restrict(ServiceCenter.objects.select_related("region"), actor, "appointment_slots").filter(pk=center.pk)
    if not found.exists():
        raise NotFound()
    return found.get()


@transaction.atomic
def appointment_slots_generate(*, actor, center: ServiceCenter, days: int = BOOKING_HORIZON_DAYS) -> int:
    """Fill the coming working days with slots from the hall's weekly timetable; slots already there are kept.

    `actor=None` is the platform's own periodic run. Days the calendar says are not working days get nothing,
    whatever the timetable says; a make-up working day (调休上班) on a weekend follows Monday's rows, the
    timetable of an ordinary full working day."""
    if actor is not None:
        center = _managed_center(actor, center)
    else:
        center = ServiceCenter.objects.select_related("region").get(pk=center.pk)
    rows = list(AppointmentPattern.objects.filter(center=center, active=True))
    if not rows:
        return 0
    calendar = WorkCalendar(center.region)
    today = timezone.localdate()
    last = calendar.add_working_days(today, days).date
    existing = set(
        AppointmentSlot.objects.filter(center=center, day__gte=today, day__lte=last).values_list(
            "day", "starts", "department_id"
        )
    )
    made = []
    day = today
    while day <= last:
        if calendar.is_workday(day):
            weekday = str(day.isoweekday() if day.isoweekday() <= 5 else 1)
            for row in rows:
                if weekday in row.weekdays and (day, row.starts, row.department_id) not in existing:
                    made.append(
                        AppointmentSlot(
                            center=center,
                            department_id=row.department_id,
                            day=day,
                            starts=row.starts,
                            ends=row.ends,
                            capacity=row.capacity,
                        )
                    )
        day += dt.timedelta(days=1)
    AppointmentSlot.objects.bulk_create(made)
    if made:
        audit_record(
            actor=actor,
            action="appointment.slots_generate",
            target=center,
            data={"slots": len(made), "from": today.isoformat(), "to": last.isoformat()},
        )
    return len(made)


def _clock(value, field: str) -> dt.time:
    if isinstance(value, dt.time):
        return value
    for form in ("%H:%M", "%H:%M:%S"):  # strptime, unlike fromisoformat, takes "9:00" as a person types it
        try:
            return dt.datetime.strptime(str(value).strip(), form).time()
        except ValueError:
            continue
    raise ValidationFailed(fields={field: [_("请填写时间，如 09:00")]})


@transaction.atomic
def appointment_slot_add(*, actor, center: ServiceCenter, day, starts, ends, capacity) -> AppointmentSlot:
    """An extra slot (加开时段), e.g. for 延时服务 or a weekend opening: any day from today, not only working days."""
    center = _managed_center(actor, center)
    errors: dict[str, list[str]] = {}
    if not isinstance(day, dt.date):
        try:
            day = dt.date.fromisoformat(str(day).strip())
        except ValueError:
            errors["day"] = [_("请填写日期，如 2026-12-01")]
    try:
        starts = _clock(starts, "starts")
    except ValidationFailed as exc:
        errors.update(exc.fields)
    try:
        ends = _clock(ends, "ends")
    except ValidationFailed as exc:
        errors.update(exc.fields)
    try:
        capacity = int(capacity)
    except (TypeError, ValueError):
        capacity = 0
    if not 1 <= capacity <= SLOT_CAPACITY_MAX:
        errors["capacity"] = [_("可预约人数须在 1 至 %(n)d 之间") % {"n": SLOT_CAPACITY_MAX}]
    if not errors:
        if ends <= starts:
            errors["ends"] = [_("结束时间须晚于开始时间")]
        elif timezone.make_aware(dt.datetime.combine(day, ends)) <= timezone.now():
            errors["day"] = [_("不能为已经过去的时间加开时段")]
    if errors:
        raise ValidationFailed(fields=errors)
    slot = AppointmentSlot.objects.create(center=center, day=day, starts=starts, ends=ends, capacity=capacity)
    audit_record(
        actor=actor,
        action="appointment.slot_add",
        target=slot,
        data={"day": day.isoformat(), "starts": f"{starts:%H:%M}", "ends": f"{ends:%H:%M}", "capacity": capacity},
    )
    return slot


@transaction.atomic
def appointment_slot_set_open(*, actor, slot: AppointmentSlot, open: bool) -> AppointmentSlot:
    """Close a slot to new bookings (those made stay valid), or open it again."""
    found = restrict(AppointmentSlot.objects.all(), actor, "appointment_slots").filter(pk=slot.pk)
    slot = AppointmentSlot.objects.select_for_update().filter(pk__in=list(found.values_list("pk", flat=True))).first()
    if slot is None:
        raise NotFound()
    slot.open = open
    slot.save(update_fields=["open"])
    audit_record(actor=actor, action="appointment.slot_open" if open else "appointment.slot_close", target=slot)
    return slot


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
        if not Appointment.objects.filter(code=code).exists():
            return code


def _appointment_event(event: str, appointment: Appointment, **data) -> None:
    # No name or phone: the outbox feeds department systems, and a booking's who is not theirs to know.
    emit(
        event,
        {
            "appointment": appointment.code,
            "appointment_id": appointment.pk,
            "center_id": appointment.slot.center_id,
            "implementation": appointment.implementation.code,
            "day": appointment.day.isoformat(),
            "status": appointment.status,
            **data,
        },
    )


def _slot_label(slot: AppointmentSlot) -> str:
    return f"{slot.day:%Y-%m-%d} {slot.starts:%H:%M}—{slot.ends:%H:%M}"


@transaction.atomic
def appointment_book(
    *, actor, implementation: ItemImplementation, slot: AppointmentSlot, entity: Entity | None = None
) -> Appointment:
    """Book a slot for an item, for oneself or for an enterprise one is the agent of.

    The slot row is locked while its bookings are counted, so concurrent bookings never exceed its capacity."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("请先登录再预约"))
    person = getattr(actor, "person", None)
    if entity is not None and not actor.entities.filter(pk=entity.pk).exists():
        raise ValidationFailed(fields={"applicant": [_("您不是该企业的经办人，不能为其预约")]})
    if entity is None and person is None:
        raise ValidationFailed(fields={"applicant": [_("账号尚未实名，请选择您代办的企业")]})
    # Only the slot row: bookings of other slots, and ticket numbering at the hall, go on meanwhile.
    slot = (
        AppointmentSlot.objects.select_for_update(of=("self",))
        .select_related("center__region")
        .filter(pk=slot.pk)
        .first()
    )
    if slot is None or not slot_serves(slot, implementation):
        raise ValidationFailed(fields={"slot": [_("所选时段不办理本事项，请重新选择")]})
    now = timezone.now()
    if not slot.open:
        raise ValidationFailed(fields={"slot": [_("所选时段已停止预约，请选择其他时段")]})
    if slot.ends_at() <= now:
        raise ValidationFailed(fields={"slot": [_("所选时段已经过去，请选择其他时段")]})
    if slot.day > last_bookable_day(slot.center.region):
        raise ValidationFailed(fields={"slot": [_("最多可预约 %(n)d 个工作日内的时段") % {"n": BOOKING_HORIZON_DAYS}]})
    if slot.appointments.filter(status__in=Appointment.ACTIVE).count() >= slot.capacity:
        raise ValidationFailed(fields={"slot": [_("所选时段已约满，请选择其他时段")]})
    same_day = Appointment.objects.filter(
        user=actor, implementation=implementation, day=slot.day, status__in=Appointment.ACTIVE
    ).first()
    if same_day is not None:
        raise ValidationFailed(
            fields={
                "slot": [
                    _("您已预约 %(day)s 办理本事项（预约码 %(code)s），同一事项每天只能预约一次")
                    % {"day": f"{slot.day:%Y-%m-%d}", "code": same_day.code}
                ]
            }
        )
    try:
        with transaction.atomic():
            appointment = Appointment.objects.create(
                code=_new_code(),
                slot=slot,
                day=slot.day,
                implementation=implementation,
                user=actor,
                entity=entity,
                applicant_name=entity.name if entity is not None else person.name,
                phone=actor.phone or (person.phone if person is not None else ""),
            )
    except IntegrityError:
        # The same person booking the same item in two tabs at once: the database's constraint decides.
        raise ValidationFailed(fields={"slot": [_("您已预约当天办理本事项，同一事项每天只能预约一次")]}) from None
    audit_record(
        actor=actor,
        action="appointment.book",
        target=appointment,
        data={"code": appointment.code, "slot": slot.pk, "implementation": implementation.code},
    )
    _appointment_event("appointment.booked", appointment)
    notify(
        user=actor,
        title=_("预约成功：%(item)s") % {"item": implementation.item.name},
        body=_("预约码 %(code)s，%(center)s，%(when)s。请在预约时段内到大厅取号机输入预约码取号。")
        % {"code": appointment.code, "center": slot.center.name, "when": _slot_label(slot)},
        url=reverse("portal:appointment_detail", args=[appointment.code]),
    )
    return appointment


@transaction.atomic
def appointment_cancel(*, actor, appointment: Appointment) -> Appointment:
    """The booker gives the slot back, until the slot starts."""
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("slot__center", "implementation__item")
        .filter(pk=appointment.pk, user=actor)
        .first()
        if actor is not None and actor.is_authenticated
        else None
    )
    if appointment is None:
        raise NotFound()
    if not appointment.cancellable():
        raise InvalidTransition(_("预约已取号、已取消或时段已开始，不能取消"))
    appointment.status, appointment.cancelled_at = Appointment.Status.CANCELLED, timezone.now()
    appointment.save(update_fields=["status", "cancelled_at"])
    audit_record(actor=actor, action="appointment.cancel", target=appointment, data={"code": appointment.code})
    _appointment_event("appointment.cancelled", appointment)
    notify(
        user=actor,
        title=_("预约已取消：%(item)s") % {"item": appointment.implementation.item.name},
        body=_("预约码 %(code)s（%(when)s）已取消。")
        % {"code": appointment.code, "when": _slot_label(appointment.slot)},
        url=reverse("portal:appointment_list"),
    )
    return appointment


@transaction.atomic
def appointment_arrive(*, actor=None, center: ServiceCenter, code: str) -> QueueTicket:
    """The booking code typed at the hall's kiosk (or by a clerk) becomes a queue ticket, once.

    Within the slot (from ARRIVAL_GRACE before it starts) the ticket is in the appointment lane, called before
    walk-ins; after the slot has ended it is an ordinary ticket. The code is the credential, as a ticket needs none."""
    code = "".join(str(code).split())
    if not code:
        raise ValidationFailed(fields={"code": [_("请输入预约码")]})
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("slot__center", "implementation__item", "ticket")
        .filter(code=code)
        .first()
    )
    if appointment is None:
        raise ValidationFailed(fields={"code": [_("没有预约码为 %(code)s 的预约，请核对") % {"code": code}]})
    slot, now = appointment.slot, timezone.now()
    if appointment.status == Appointment.Status.ARRIVED:
        raise Conflict(
            _("该预约已于 %(t)s 取号（%(n)s），每个预约只能取号一次")
            % {"t": f"{timezone.localtime(appointment.arrived_at):%H:%M}", "n": appointment.ticket.number}
        )
    if appointment.status == Appointment.Status.CANCELLED:
        raise ValidationFailed(fields={"code": [_("该预约已取消")]})
    if slot.center_id != center.pk:
        raise ValidationFailed(fields={"code": [_("该预约在%(c)s办理，请到该大厅取号") % {"c": slot.center.name}]})
    if slot.day != timezone.localdate():
        raise ValidationFailed(
            fields={"code": [_("该预约的日期是 %(d)s，请于预约当日取号") % {"d": f"{slot.day:%Y-%m-%d}"}]}
        )
    opens = slot.starts_at() - ARRIVAL_GRACE
    if now < opens:
        raise ValidationFailed(
            fields={
                "code": [
                    _("预约时段为 %(when)s，请于 %(t)s 后取号")
                    % {"when": f"{slot.starts:%H:%M}—{slot.ends:%H:%M}", "t": f"{timezone.localtime(opens):%H:%M}"}
                ]
            }
        )
    late = now >= slot.ends_at()
    ticket = _print_ticket(slot.center, QueueTicket.Lane.NORMAL if late else QueueTicket.Lane.APPOINTMENT)
    appointment.status, appointment.ticket, appointment.arrived_at, appointment.late = (
        Appointment.Status.ARRIVED,
        ticket,
        now,
        late,
    )
    appointment.save(update_fields=["status", "ticket", "arrived_at", "late"])
    audit_record(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action="appointment.arrive",
        target=appointment,
        data={"code": appointment.code, "ticket": ticket.number, "late": late},
    )
    _appointment_event("appointment.arrived", appointment, ticket=ticket.number, late=late)
    return ticket
