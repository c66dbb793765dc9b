"""网上预约: slots from the weekly timetable on working days, bookings within capacity, and the code turned into a
queue ticket once at the hall — in the appointment lane within the slot, an ordinary one after it."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection, connections

from yiwang.accounts.models import User
from yiwang.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from yiwang.core.models import AuditEntry, Event, Notification, WorkdayOverride
from yiwang.desk import services
from yiwang.desk.demo import load_demo_appointments
from yiwang.desk.models import Appointment, AppointmentPattern, AppointmentSlot, QueueTicket
from yiwang.desk.selectors import bookable_slots, is_bookable, last_bookable_day
from yiwang.org.models import Region, ServiceCenter

T = dt.time.fromisoformat
MONDAY = dt.date(2026, 11, 23)  # the `monday` fixture's day, 10:00


def slot(center, day=MONDAY, starts="10:00", ends="11:00", capacity=4, **extra):
    return AppointmentSlot.objects.create(
        center=center, day=day, starts=T(starts), ends=T(ends), capacity=capacity, **extra
    )


def test_slots_come_from_the_weekly_timetable_on_working_days_only(monday, hall, catalog_admin):
    haizhu = Region.objects.get(code="440105")
    holiday, make_up = MONDAY + dt.timedelta(days=2), MONDAY + dt.timedelta(days=5)
    WorkdayOverride.objects.create(date=holiday, is_workday=False, region=haizhu, note="区内调休（测试）")
    WorkdayOverride.objects.create(date=make_up, is_workday=True, region=haizhu, note="调休上班（测试）")
    AppointmentPattern.objects.create(center=hall, starts=T("09:00"), ends=T("10:00"), capacity=4)
    AppointmentPattern.objects.create(center=hall, weekdays="3", starts=T("15:00"), ends=T("16:00"), capacity=2)

    assert services.appointment_slots_generate(actor=catalog_admin, center=hall, days=5) == 6
    by_day = {}
    for row in AppointmentSlot.objects.filter(center=hall).order_by("day", "starts"):
        by_day.setdefault(row.day, []).append(f"{row.starts:%H:%M}")
    # Mon, Tue, (Wed is a holiday: its Wednesday-only row is skipped too), Thu, Fri, the make-up Saturday, Mon.
    assert by_day == {
        MONDAY: ["09:00"],
        MONDAY + dt.timedelta(days=1): ["09:00"],
        MONDAY + dt.timedelta(days=3): ["09:00"],
        MONDAY + dt.timedelta(days=4): ["09:00"],
        make_up: ["09:00"],
        MONDAY + dt.timedelta(days=7): ["09:00"],
    }
    assert services.appointment_slots_generate(actor=catalog_admin, center=hall, days=5) == 0
    assert AuditEntry.objects.filter(action="appointment.slots_generate").count() == 1


def test_the_demo_timetable_fills_the_booking_horizon_relative_to_today(monday, hall):
    made = load_demo_appointments()
    days = sorted(set(AppointmentSlot.objects.filter(center=hall).values_list("day", flat=True)))
    assert made == 7 * len(days)
    assert days[0] == MONDAY and days[-1] == last_bookable_day(hall.region)
    assert all(day.isoweekday() <= 5 for day in days)
    assert load_demo_appointments() == 0


def test_only_the_halls_administrator_maintains_slots(monday, hall, clerk, catalog_admin, tianhe_clerk):
    with pytest.raises(NotFound):
        services.appointment_slot_add(actor=clerk, center=hall, day=MONDAY, starts="18:00", ends="19:00", capacity=2)
    added = services.appointment_slot_add(
        actor=catalog_admin, center=hall, day=MONDAY + dt.timedelta(days=5), starts="09:00", ends="12:00", capacity=8
    )
    assert added.day.isoweekday() == 6  # an extra Saturday opening is the administrator's to decide
    with pytest.raises(ValidationFailed) as err:
        services.appointment_slot_add(
            actor=catalog_admin, center=hall, day=MONDAY, starts="8:00", ends="9:00", capacity=0
        )
    assert set(err.value.fields) == {"capacity"}
    with pytest.raises(ValidationFailed) as err:
        services.appointment_slot_add(actor=catalog_admin, center=hall, day="x", starts="11", ends="10:00", capacity=1)
    assert set(err.value.fields) == {"day", "starts"}
    with pytest.raises(ValidationFailed) as err:
        services.appointment_slot_add(
            actor=catalog_admin, center=hall, day=MONDAY, starts="08:00", ends="09:00", capacity=1
        )
    assert "day" in err.value.fields  # already over
    with pytest.raises(NotFound):
        services.appointment_slot_set_open(actor=tianhe_clerk, slot=added, open=False)
    with pytest.raises(NotFound):
        services.appointment_slot_set_open(actor=clerk, slot=added, open=False)
    assert services.appointment_slot_set_open(actor=catalog_admin, slot=added, open=False).open is False


def test_capacity_and_one_booking_per_person_item_and_day(
    monday, hall, marriage, food_permit, citizen, enterprise_agent, restaurant
):
    ten, eleven = slot(hall, capacity=1), slot(hall, starts="11:00", ends="12:00", capacity=3)
    booked = services.appointment_book(actor=citizen, implementation=marriage, slot=ten)
    assert booked.code.isdigit() and len(booked.code) == 8
    assert booked.applicant_name == citizen.person.name and booked.day == MONDAY
    assert Notification.objects.filter(user=citizen, body__contains=booked.code).exists()

    with pytest.raises(ValidationFailed) as full:
        services.appointment_book(actor=enterprise_agent, implementation=marriage, slot=ten, entity=restaurant)
    assert "约满" in full.value.fields["slot"][0]
    with pytest.raises(ValidationFailed) as twice:
        services.appointment_book(actor=citizen, implementation=marriage, slot=eleven)
    assert booked.code in twice.value.fields["slot"][0]
    # Another item the same day, and the same item on another day, are other bookings.
    services.appointment_book(actor=citizen, implementation=food_permit, slot=eleven)
    tomorrow = slot(hall, day=MONDAY + dt.timedelta(days=1))
    services.appointment_book(actor=citizen, implementation=marriage, slot=tomorrow)
    agent = services.appointment_book(
        actor=enterprise_agent, implementation=food_permit, slot=eleven, entity=restaurant
    )
    assert agent.applicant_name == restaurant.name and agent.entity == restaurant
    assert [s.remaining for s in bookable_slots(implementation=marriage)[MONDAY]] == [1]


def test_bookings_only_within_the_horizon_open_slots_and_the_items_hall(monday, hall, marriage, citizen, restaurant):
    past = slot(hall, starts="08:00", ends="09:00")
    beyond = slot(hall, day=last_bookable_day(hall.region) + dt.timedelta(days=1))
    closed = slot(hall, open=False)
    tianhe = slot(ServiceCenter.objects.get(name="天河区政务服务中心"))
    for refused, words in ((past, "过去"), (beyond, "工作日内"), (closed, "停止预约"), (tianhe, "不办理本事项")):
        with pytest.raises(ValidationFailed) as err:
            services.appointment_book(actor=citizen, implementation=marriage, slot=refused)
        assert words in err.value.fields["slot"][0]
    with pytest.raises(ValidationFailed) as err:
        services.appointment_book(actor=citizen, implementation=marriage, slot=slot(hall), entity=restaurant)
    assert "applicant" in err.value.fields
    with pytest.raises(PermissionDenied):
        services.appointment_book(actor=None, implementation=marriage, slot=slot(hall))
    assert not Appointment.objects.exists()
    assert list(bookable_slots(implementation=marriage)) == [MONDAY]  # only the open, current, serving slot


def test_the_guide_offers_booking_only_where_a_hall_has_slots(monday, hall, marriage):
    assert not is_bookable(implementation=marriage)
    slot(hall, day=MONDAY - dt.timedelta(days=1))
    assert not is_bookable(implementation=marriage)
    slot(hall, day=MONDAY + dt.timedelta(days=2))
    assert is_bookable(implementation=marriage)


def test_cancel_until_the_slot_starts(monday, hall, marriage, citizen, enterprise_agent):
    later = slot(hall, starts="14:00", ends="15:00", capacity=1)
    booked = services.appointment_book(actor=citizen, implementation=marriage, slot=later)
    with pytest.raises(NotFound):
        services.appointment_cancel(actor=enterprise_agent, appointment=booked)
    cancelled = services.appointment_cancel(actor=citizen, appointment=booked)
    assert cancelled.status == Appointment.Status.CANCELLED and cancelled.cancelled_at is not None
    assert Notification.objects.filter(user=citizen, title__contains="取消").exists()
    again = services.appointment_book(actor=citizen, implementation=marriage, slot=later)  # the place came back
    monday.move_to(dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    with pytest.raises(InvalidTransition):
        services.appointment_cancel(actor=citizen, appointment=again)
    with pytest.raises(InvalidTransition):
        services.appointment_cancel(actor=citizen, appointment=cancelled)


def test_arrival_within_the_slot_is_called_before_walk_ins_and_turns_into_a_ticket_once(
    monday, hall, window1, marriage, citizen, clerk
):
    booked = services.appointment_book(actor=citizen, implementation=marriage, slot=slot(hall))
    walk_in = services.ticket_issue(center=hall)
    ticket = services.appointment_arrive(center=hall, code=f" {booked.code[:4]} {booked.code[4:]} ")
    assert (ticket.number, ticket.lane) == ("Y001", QueueTicket.Lane.APPOINTMENT)
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.ARRIVED and booked.ticket == ticket and not booked.late
    assert ticket.appointment == booked
    with pytest.raises(Conflict) as again:
        services.appointment_arrive(actor=clerk, center=hall, code=booked.code)
    assert "Y001" in again.value.message
    events = {e.type: e.payload for e in Event.objects.filter(payload__appointment=booked.code)}
    assert set(events) == {"appointment.booked", "appointment.arrived"}
    assert events["appointment.arrived"]["ticket"] == "Y001" and citizen.person.name not in str(events)
    assert QueueTicket.objects.filter(center=hall).count() == 2
    called = services.ticket_call_next(actor=clerk, window=window1)
    assert called == ticket
    services.ticket_finish(actor=clerk, ticket=called)
    assert services.ticket_call_next(actor=clerk, window=window1) == walk_in
    with pytest.raises(InvalidTransition):
        services.appointment_cancel(actor=citizen, appointment=booked)


def test_a_late_arrival_gets_an_ordinary_ticket(monday, hall, marriage, citizen):
    booked = services.appointment_book(actor=citizen, implementation=marriage, slot=slot(hall))
    monday.shift(dt.timedelta(hours=1, minutes=5))  # 11:05, the slot ended at 11:00
    ticket = services.appointment_arrive(center=hall, code=booked.code)
    assert (ticket.number, ticket.lane) == ("A001", QueueTicket.Lane.NORMAL)
    booked.refresh_from_db()
    assert booked.late and booked.status == Appointment.Status.ARRIVED


def test_arrival_is_refused_early_on_another_day_at_another_hall_or_cancelled(monday, hall, marriage, citizen):
    afternoon = services.appointment_book(
        actor=citizen, implementation=marriage, slot=slot(hall, starts="15:00", ends="16:00")
    )
    tomorrow = services.appointment_book(
        actor=citizen, implementation=marriage, slot=slot(hall, day=MONDAY + dt.timedelta(days=1))
    )
    tianhe = ServiceCenter.objects.get(name="天河区政务服务中心")
    for center, code, words in (
        (hall, afternoon.code, "14:30 后"),
        (hall, tomorrow.code, "2026-11-24"),
        (tianhe, tomorrow.code, "海珠区政务服务中心"),
        (hall, "00000000", "没有预约码"),
        (hall, "", "请输入"),
    ):
        with pytest.raises(ValidationFailed) as err:
            services.appointment_arrive(center=center, code=code)
        assert words in err.value.fields["code"][0]
    services.appointment_cancel(actor=citizen, appointment=tomorrow)
    monday.shift(dt.timedelta(days=1))
    with pytest.raises(ValidationFailed) as err:
        services.appointment_arrive(center=hall, code=tomorrow.code)
    assert "已取消" in err.value.fields["code"][0]
    assert not QueueTicket.objects.exists()


def test_the_appointment_lane_is_not_a_kiosk_button(monday, hall):
    with pytest.raises(ValidationFailed) as err:
        services.ticket_issue(center=hall, lane=QueueTicket.Lane.APPOINTMENT)
    assert "lane" in err.value.fields


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has one writer: this test's own open transaction holds the write lock the threads would wait "
    "for; the slot row lock is what PostgreSQL needs, and what this test proves there",
)
def test_concurrent_bookings_never_exceed_the_capacity(db, marriage, restaurant):
    """Eight agents book the last three places of a slot at the same instant: three bookings, five refusals."""
    hall = ServiceCenter.objects.get(name="海珠区政务服务中心")
    when = dt.datetime(2031, 3, 3, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    created: dict[str, object] = {}
    outcomes: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def in_thread(work):
        def run(*args):
            try:
                work(*args)
            except BaseException as exc:  # reported by the assertion below
                errors.append(exc)
            finally:
                connections.close_all()

        return run

    def setup():
        created["slot"] = slot(hall, day=when.date(), capacity=3)
        # Existing accounts, made agents for the race: an account an audit entry names can never be deleted.
        agents = list(User.objects.exclude(entities=restaurant).order_by("pk")[:8])
        restaurant.agents.add(*agents)
        created["agents"] = agents

    def book(agent):
        barrier.wait(timeout=10)
        try:
            services.appointment_book(actor=agent, implementation=marriage, slot=created["slot"], entity=restaurant)
            outcomes.append("booked")
        except ValidationFailed:
            outcomes.append("full")

    def clean():
        Appointment.objects.filter(slot=created["slot"]).delete()
        created["slot"].delete()
        restaurant.agents.remove(*created["agents"])

    with time_machine.travel(when, tick=False):
        try:
            t = threading.Thread(target=in_thread(setup))
            t.start()
            t.join()
            threads = [threading.Thread(target=in_thread(book), args=(a,)) for a in created["agents"]]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=30)
            booked = Appointment.objects.filter(slot=created["slot"]).count()
        finally:
            t = threading.Thread(target=in_thread(clean))
            t.start()
            t.join()
    assert not errors, errors
    assert sorted(outcomes) == ["booked"] * 3 + ["full"] * 5
    assert booked == 3


def test_the_periodic_sweep_keeps_the_horizon_filled_as_days_pass(monday, hall):
    from yiwang.desk.tasks import appointment_slots_sweep

    load_demo_appointments()
    monday.shift(dt.timedelta(days=7))
    assert appointment_slots_sweep.call() == 7 * 5  # a week later: five more working days at the far end
    assert appointment_slots_sweep.call() == 0
