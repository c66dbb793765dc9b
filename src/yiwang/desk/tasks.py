from django_tasks import task

from yiwang.org.models import ServiceCenter

from . import services
from .models import AppointmentPattern


@task()
def appointment_slots_sweep() -> int:
    """Keep every hall's booking horizon filled from its timetable as the days pass."""
    centers = ServiceCenter.objects.filter(
        pk__in=AppointmentPattern.objects.filter(active=True).values("center")
    ).order_by("pk")
    return sum(services.appointment_slots_generate(actor=None, center=center) for center in centers)
