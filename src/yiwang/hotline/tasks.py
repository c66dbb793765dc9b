from django_tasks import task

from .services.hotspots import hotspots_detect
from .services.reporting import monthly_reports_due


@task()
def monthly_reports() -> list[str]:
    """每月情况通报: last month's report for every county, from the first working day of the month (idempotent)."""
    return monthly_reports_due()


@task()
def hotspot_detection() -> dict[str, int]:
    """老大难: hotspots found among every district's orders of the last 90 days are kept as records; a growing
    group's new orders join its hotspot (idempotent: a run with nothing new changes nothing)."""
    return hotspots_detect()
