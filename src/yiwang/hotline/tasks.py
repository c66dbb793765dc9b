from django_tasks import task

from .services.reporting import monthly_reports_due


@task()
def monthly_reports() -> list[str]:
    """每月情况通报: last month's report for every county, from the first working day of the month (idempotent)."""
    return monthly_reports_due()
