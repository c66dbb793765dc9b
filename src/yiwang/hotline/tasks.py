from django_tasks import task

from .services.hotspots import hotspots_detect_due
from .services.reporting import monthly_reports_due


@task()
def monthly_reports() -> list[str]:
    """每月情况通报: last month's report for every county, from the first working day of the month (idempotent)."""
    return monthly_reports_due()


@task()
def hotspot_detection() -> dict[str, int] | None:
    """老大难: hotspots found among every district's orders of the last 90 days are kept as records; a growing
    group's new orders join its hotspot (idempotent: a run with nothing new changes nothing). Enqueued at every
    sweep, it detects only after new located orders or an hour after its last run (None when it did not)."""
    return hotspots_detect_due()
