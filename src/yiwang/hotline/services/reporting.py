"""每月情况通报: generating a district's monthly report into its snapshot, on demand or by the worker."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.audit import audit_record
from yiwang.core.calendar import WorkCalendar
from yiwang.core.errors import ValidationFailed
from yiwang.core.permissions import require
from yiwang.org.models import Region

from ..models import MonthlyReportSnapshot
from ..report import monthly_report, previous_month


@transaction.atomic
def report_generate(*, actor, region: Region, month: dt.date) -> MonthlyReportSnapshot:
    """Compute the region's report for the month and store it as the month's one snapshot, replacing an earlier
    one (idempotent per region and month). `actor` None is the worker; a person needs hotline_operate there.
    A month that has not begun has nothing to report; the running month can be reported so far."""
    if actor is not None:
        require(actor, "hotline_operate", region)
    month = month.replace(day=1)
    now = timezone.now()
    if month > timezone.localdate(now):
        raise ValidationFailed(fields={"month": [_("不能生成未来月份的通报")]}, subcode="report_month")
    report = monthly_report(region=region, month=month, actor=actor, as_of=now)
    snapshot, created = MonthlyReportSnapshot.objects.update_or_create(
        region=region,
        month=month,
        defaults={
            "generated_at": now,
            "generated_by": actor if getattr(actor, "pk", None) else None,
            "data": report.as_json(),
        },
    )
    audit_record(
        actor=actor,
        action="hotline.report_generate",
        target=snapshot,
        data={
            "region": region.code,
            "month": report.month,
            "replaced": not created,
            "received": report.data["totals"]["received"],
        },
    )
    return snapshot


def first_working_day(calendar: WorkCalendar, month: dt.date) -> dt.date:
    day = month.replace(day=1)
    while not calendar.is_workday(day):
        day += dt.timedelta(days=1)
    return day


def monthly_reports_due(today: dt.date | None = None) -> list[str]:
    """The worker's periodic job: from the first working day of a month (on the region's own calendar), every
    county without last month's snapshot gets it generated. Runs at every sweep; a region already done is skipped,
    so it generates once per month, and a worker that was down on that day catches up on its next sweep."""
    today = today or timezone.localdate()
    month = previous_month(today.replace(day=1))
    done = set(MonthlyReportSnapshot.objects.filter(month=month).values_list("region_id", flat=True))
    generated = []
    for region in Region.objects.filter(level=Region.Level.COUNTY).exclude(pk__in=done).order_by("code"):
        if today < first_working_day(WorkCalendar(region), today):
            continue
        report_generate(actor=None, region=region, month=month)
        generated.append(region.code)
    return generated
