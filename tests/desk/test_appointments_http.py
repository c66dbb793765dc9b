"""网上预约 through HTTP: the guide's button, booking and cancelling in the portal, the hall's staff page (scoped
to the staff member's district), and the kiosk turning a booking code into a ticket."""

import datetime as dt

import pytest

from yiwang.desk import services
from yiwang.desk.models import Appointment, AppointmentSlot, QueueTicket

MONDAY = dt.date(2026, 11, 23)
GUIDE = "/items/R040/"
NEW = "/appointments/new/R040-440105/"


def slot(center, day=MONDAY, starts="10:00", ends="11:00", capacity=4, **extra):
    return AppointmentSlot.objects.create(
        center=center,
        day=day,
        starts=dt.time.fromisoformat(starts),
        ends=dt.time.fromisoformat(ends),
        capacity=capacity,
        **extra,
    )


@pytest.fixture
def week(hall):
    """Two slots on each of the next five days (Monday to Friday), the first one full-sized."""
    return [
        slot(hall, day=MONDAY + dt.timedelta(days=n), starts=starts, ends=ends)
        for n in range(5)
        for starts, ends in (("10:00", "11:00"), ("14:00", "15:00"))
    ]


def test_the_guide_offers_booking_only_when_a_hall_has_slots(monday, client, hall):
    assert 'id="book-appointment"' not in client.get(GUIDE).content.decode()
    slot(hall)
    page = client.get(GUIDE).content.decode()
    assert 'id="book-appointment"' in page and f'href="{NEW}"' in page


def test_booking_needs_a_login(monday, client, week):
    response = client.get(NEW)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_citizen_books_a_slot_and_sees_it_in_my_appointments(
    monday, client, citizen, week, django_assert_max_num_queries
):
    client.force_login(citizen)
    with django_assert_max_num_queries(9):
        page = client.get(NEW + "?day=2026-11-24")
    body = page.content.decode()
    assert page.status_code == 200 and "11月24日" in body
    assert f'value="{week[2].pk}"' in body and f'value="{week[0].pk}"' not in body  # the chosen day's slots only
    response = client.post(NEW, {"day": "2026-11-24", "slot": week[2].pk, "applicant": "person"})
    booking = Appointment.objects.get(user=citizen)
    assert response.status_code == 302 and response["Location"] == f"/appointments/{booking.code}/"
    detail = client.get(response["Location"]).content.decode()
    assert booking.code in detail and "2026-11-24" in detail and "取消预约" in detail
    for n in range(3):
        services.appointment_book(actor=citizen, implementation=booking.implementation, slot=week[4 + 2 * n])
    with django_assert_max_num_queries(5):
        listing = client.get("/appointments/")
    assert listing.content.decode().count("/cancel/") == 4


def test_a_refused_booking_names_the_problem_and_keeps_the_choices(
    monday, client, citizen, enterprise_agent, restaurant, hall
):
    full = slot(hall, capacity=1)
    other = slot(hall, starts="14:00", ends="15:00")
    services.appointment_book(actor=enterprise_agent, implementation=_marriage(), slot=full, entity=restaurant)
    client.force_login(citizen)
    response = client.post(NEW, {"day": "2026-11-23", "slot": full.pk, "applicant": "person"})
    body = response.content.decode()
    assert response.status_code == 422 and "约满" in body
    assert f'value="{full.pk}"' not in body and f'value="{other.pk}"' in body  # the full slot is no longer offered
    assert 'value="person" selected' in body
    response = client.post(NEW, {"day": "2026-11-23", "applicant": "person"})
    assert response.status_code == 422 and "请选择预约时段" in response.content.decode()
    assert not Appointment.objects.filter(user=citizen).exists()


def _marriage():
    from yiwang.catalog.models import ItemImplementation

    return ItemImplementation.objects.get(code="R040-440105")


def test_cancel_from_my_appointments_and_nobody_elses(monday, client, citizen, enterprise_agent, hall):
    booking = services.appointment_book(
        actor=citizen, implementation=_marriage(), slot=slot(hall, starts="15:00", ends="16:00")
    )
    client.force_login(enterprise_agent)
    assert client.get(f"/appointments/{booking.code}/").status_code == 404
    assert client.post(f"/appointments/{booking.code}/cancel/").status_code == 404
    client.force_login(citizen)
    assert "确认取消" in client.get(f"/appointments/{booking.code}/cancel/").content.decode()
    response = client.post(f"/appointments/{booking.code}/cancel/")
    assert response.status_code == 302 and response["Location"] == "/appointments/"
    booking.refresh_from_db()
    assert booking.status == Appointment.Status.CANCELLED


def test_the_kiosk_turns_a_booking_code_into_a_ticket_once(monday, client, citizen, hall):
    booking = services.appointment_book(actor=citizen, implementation=_marriage(), slot=slot(hall))
    kiosk = f"/desk/kiosk/{hall.pk}/"
    assert "预约取号" in client.get(kiosk).content.decode()
    page = client.post(kiosk, {"booking_code": booking.code}).content.decode()
    assert "Y001" in page and f"预约码 {booking.code}" in page and "内地居民结婚登记" in page
    again = client.post(kiosk, {"booking_code": booking.code})
    assert again.status_code == 409 and "只能取号一次" in again.content.decode()
    wrong = client.post(kiosk, {"booking_code": "123"})
    assert wrong.status_code == 422 and 'value="123"' in wrong.content.decode()
    assert QueueTicket.objects.filter(center=hall).count() == 1


def test_the_staff_page_lists_the_days_bookings_and_checks_a_visitor_in(
    monday, client, clerk, citizen, hall, django_assert_max_num_queries
):
    slots = [slot(hall, starts=f"{h}:00", ends=f"{h + 1}:00") for h in (10, 11, 14, 15, 16)]
    bookings = [services.appointment_book(actor=citizen, implementation=_marriage(), slot=slots[0])]
    client.force_login(clerk)
    halls = client.get("/desk/appointments/").content.decode()  # the district's hall and its street's
    assert f'href="/desk/appointments/{hall.pk}/"' in halls and "南洲街道党群服务中心" in halls
    assert "天河区政务服务中心" not in halls
    with django_assert_max_num_queries(7):
        page = client.get(f"/desk/appointments/{hall.pk}/?day=2026-11-23")
    body = page.content.decode()
    assert bookings[0].code in body and "加开时段" not in body and "停止预约" not in body  # a clerk only looks
    checked = client.post(f"/desk/appointments/{hall.pk}/checkin/", {"booking_code": bookings[0].code}, follow=True)
    assert "已取号：Y001" in checked.content.decode()
    again = client.post(f"/desk/appointments/{hall.pk}/checkin/", {"booking_code": bookings[0].code})
    assert again.status_code == 409 and "只能取号一次" in again.content.decode()
    assert client.post(f"/desk/appointments/{hall.pk}/slots/", {"day": "2026-11-23"}).status_code == 404
    assert client.post(f"/desk/appointments/slots/{slots[1].pk}/toggle/").status_code == 404


def test_the_halls_administrator_opens_and_closes_slots(monday, client, catalog_admin, hall):
    client.force_login(catalog_admin)
    response = client.post(
        f"/desk/appointments/{hall.pk}/slots/",
        {"day": "2026-11-28", "starts": "09:00", "ends": "08:00", "capacity": "6"},
    )
    body = response.content.decode()
    assert response.status_code == 422 and "结束时间须晚于开始时间" in body and 'value="2026-11-28"' in body
    response = client.post(
        f"/desk/appointments/{hall.pk}/slots/",
        {"day": "2026-11-28", "starts": "09:00", "ends": "12:00", "capacity": "6"},
    )
    added = AppointmentSlot.objects.get(center=hall, day=dt.date(2026, 11, 28))
    assert response["Location"] == f"/desk/appointments/{hall.pk}/?day=2026-11-28"
    client.post(f"/desk/appointments/slots/{added.pk}/toggle/")
    added.refresh_from_db()
    assert added.open is False
    client.post(f"/desk/appointments/slots/{added.pk}/toggle/", {"open": "1"})
    added.refresh_from_db()
    assert added.open is True


def test_another_districts_clerk_sees_404(monday, client, tianhe_clerk, citizen, hall):
    booking = services.appointment_book(actor=citizen, implementation=_marriage(), slot=slot(hall))
    client.force_login(tianhe_clerk)
    assert client.get(f"/desk/appointments/{hall.pk}/").status_code == 404
    assert client.post(f"/desk/appointments/{hall.pk}/checkin/", {"booking_code": booking.code}).status_code == 404
    response = client.get("/desk/appointments/")
    assert response.status_code == 302 and f"/{hall.pk}/" not in response["Location"]
    booking.refresh_from_db()
    assert booking.status == Appointment.Status.BOOKED


def test_a_citizen_has_no_staff_page(monday, client, citizen, hall):
    client.force_login(citizen)
    assert client.get(f"/desk/appointments/{hall.pk}/").status_code == 403


@pytest.mark.parametrize("model", ["appointmentpattern", "appointmentslot", "appointment"])
def test_the_admin_lists_open(client, superuser, model):
    client.force_login(superuser)
    assert client.get(f"/admin/desk/{model}/").status_code == 200


def test_bookings_are_not_made_in_the_admin_but_slots_are_generated_there(monday, client, superuser, hall):
    from yiwang.desk.models import AppointmentPattern

    client.force_login(superuser)
    assert client.get("/admin/desk/appointment/add/").status_code == 403
    row = AppointmentPattern.objects.create(
        center=hall, starts=dt.time(9), ends=dt.time(10), capacity=3, weekdays="12345"
    )
    client.post("/admin/desk/appointmentpattern/", {"action": "generate", "_selected_action": [row.pk]})
    assert AppointmentSlot.objects.filter(center=hall, day=MONDAY, capacity=3).exists()
