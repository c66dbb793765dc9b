"""每月情况通报: the districts whose monthly reports the actor reads, and the reports themselves."""

import datetime as dt

from django.db.models import QuerySet

from yiwang.core.errors import NotFound
from yiwang.core.permissions import restrict_region_wide
from yiwang.org.models import Region

from .. import report
from ..models import MonthlyReportSnapshot


def report_regions(actor) -> QuerySet[Region]:
    """The districts whose monthly reports the actor reads: the centre's and 效能监察's, not a liaison's."""
    regions = restrict_region_wide(Region.objects.filter(level=Region.Level.COUNTY), actor, "hotline_view")
    return regions.order_by("code")


def report_snapshots(regions) -> QuerySet[MonthlyReportSnapshot]:
    return (
        MonthlyReportSnapshot.objects.filter(region__in=regions)
        .select_related("region", "generated_by")
        .defer("data")
        .order_by("-month", "region__code")
    )


def month_report(actor, region_code: str, month: dt.date):
    """(district, snapshot or None, report) for a month: the stored snapshot, or (none generated yet) the report
    computed now and not stored; NotFound for a district the actor may not read."""
    region = report_regions(actor).filter(code=region_code).first()
    if region is None:
        raise NotFound()
    snapshot = MonthlyReportSnapshot.objects.filter(region=region, month=month).select_related("generated_by").first()
    if snapshot is not None:
        return region, snapshot, report.MonthlyReport.from_json(snapshot.data)
    return region, None, report.monthly_report(region=region, month=month, actor=actor)
