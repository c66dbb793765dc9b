"""Demo appointments: 海珠区政务服务中心's weekly booking timetable, and its slots for the coming working days."""

import datetime as dt

from django.db import transaction

from yiwang.org.models import ServiceCenter

from .models import AppointmentPattern
from .services import appointment_slots_generate

DEMO_CENTER = "海珠区政务服务中心"
# Hour-long slots in the hall's opening hours (9:00—12:00, 13:30—17:30), four bookings each at the general windows.
DEMO_TIMETABLE = [
    ("09:00", "10:00"),
    ("10:00", "11:00"),
    ("11:00", "12:00"),
    ("13:30", "14:30"),
    ("14:30", "15:30"),
    ("15:30", "16:30"),
    ("16:30", "17:30"),
]
DEMO_CAPACITY = 4


@transaction.atomic
def load_demo_appointments() -> int:
    """The timetable once, then the slots from today on (relative to the day the demo is loaded)."""
    center = ServiceCenter.objects.get(name=DEMO_CENTER)
    if not AppointmentPattern.objects.filter(center=center).exists():
        AppointmentPattern.objects.bulk_create(
            AppointmentPattern(
                center=center,
                starts=dt.time.fromisoformat(starts),
                ends=dt.time.fromisoformat(ends),
                capacity=DEMO_CAPACITY,
            )
            for starts, ends in DEMO_TIMETABLE
        )
    return appointment_slots_generate(actor=None, center=center)
