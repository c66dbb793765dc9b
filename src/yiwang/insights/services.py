"""Keeping the daily figures current: a day's rows rebuilt whole from the cases, and the worker's sweep that
rebuilds the days touched since its last run.

A rebuild writes derived rows only, no case and no decision, so the sweep writes no audit entry each minute; an
operator's recomputation (`yiwang insights recompute`) is audited."""

import datetime as dt

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from yiwang.cases.models import Case, SupervisionOrder
from yiwang.core.audit import audit_record
from yiwang.core.models import SweepMark
from yiwang.desk.models import QueueTicket
from yiwang.ratings.models import Rating, Rectification

from .counting import count_cases
from .models import COUNTERS, DIMENSIONS, MONTHLY_DIMENSIONS, DailyFigure, MonthlyFigure

REFRESH_MARK = "insights.figures"
# How far before its last run the sweep looks again: a transaction that began before the mark and committed
# after it would otherwise never be seen. Longer than any case transaction lasts.
REFRESH_OVERLAP = dt.timedelta(minutes=10)


def _rebuild_day(day: dt.date) -> int:
    rows = [
        DailyFigure(day=day, **{f"{name}_id": value for name, value in zip(DIMENSIONS, key[1:], strict=True)}, **counts)
        for key, counts in count_cases(start=day, end=day + dt.timedelta(days=1)).items()
    ]
    with transaction.atomic():
        DailyFigure.objects.filter(day=day).delete()
        DailyFigure.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def month_roll_up(month: dt.date) -> None:
    """The month's roll-up from its daily rows, replaced whole."""
    following = (month + dt.timedelta(days=32)).replace(day=1)
    ids = [f"{name}_id" for name in MONTHLY_DIMENSIONS]
    sums = (
        DailyFigure.objects.filter(day__gte=month, day__lt=following)
        .values(*ids)
        .annotate(**{f"total_{name}": Sum(name) for name in COUNTERS})
        .order_by()
    )
    rows = [
        MonthlyFigure(
            month=month, **{name: row[name] for name in ids}, **{name: row[f"total_{name}"] for name in COUNTERS}
        )
        for row in sums
    ]
    with transaction.atomic():
        MonthlyFigure.objects.filter(month=month).delete()
        MonthlyFigure.objects.bulk_create(rows, batch_size=2000)


def _rebuild(days) -> int:
    """Rebuild the days, then once each month they fall in."""
    rows = sum(_rebuild_day(day) for day in sorted(days))
    for month in sorted({day.replace(day=1) for day in days}):
        month_roll_up(month)
    return rows


def figures_recompute(*, actor, start: dt.date, end: dt.date) -> dict[str, int]:
    """Rebuild every day of [start, end] from the cases (an operator's repair, or the first fill)."""
    if end < start:
        raise ValueError("end before start")
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    rows = _rebuild(days)
    if connection.vendor == "postgresql":
        # After a first fill the planner's statistics still describe the few rows there were: a year read as 4,339
        # rows of 413,845 (measured at ten million cases). Autovacuum would catch up, later.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {DailyFigure._meta.db_table}, {MonthlyFigure._meta.db_table}")
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="insights.figures_recomputed",
            data={"from": start.isoformat(), "to": end.isoformat(), "days": len(days), "rows": rows},
        )
    return {"days": len(days), "rows": rows}


def touched_days(since: dt.datetime) -> set[dt.date]:
    """The local days whose counters a change since `since` may have moved: a case's days of receipt, acceptance
    and decision, and the days of the ratings, rectifications, 督办 and queue tickets that came since."""
    days: set[dt.date] = set()
    for received, accepted, decided in (
        Case.objects.filter(updated_at__gte=since)
        .values_list("received_on", "accepted_on", "decided_at")
        .order_by()
        .distinct()
    ):
        days.add(received)
        if accepted:
            days.add(accepted)
        if decided:
            days.add(timezone.localtime(decided).date())
    for at in Rating.objects.filter(created_at__gte=since).values_list("created_at", flat=True):
        days.add(timezone.localtime(at).date())
    for at in Rectification.objects.filter(answered_at__gte=since).values_list("rating__created_at", flat=True):
        days.add(timezone.localtime(at).date())
    for at in SupervisionOrder.objects.filter(issued_at__gte=since).values_list("issued_at", flat=True):
        days.add(timezone.localtime(at).date())
    days.update(
        QueueTicket.objects.filter(finished_at__gte=since, case__isnull=False).values_list(
            "case__received_on", flat=True
        )
    )
    return days


def figures_refresh_due() -> dict[str, int]:
    """The worker's sweep: rebuild the days touched since the last run (less the overlap). The mark moves to the
    moment this run began, so what changes during it is seen by the next."""
    began = timezone.now()
    mark = SweepMark.objects.filter(name=REFRESH_MARK).first()
    if mark is None:
        days = touched_days(dt.datetime.min.replace(tzinfo=dt.UTC))
    else:
        days = touched_days(mark.at - REFRESH_OVERLAP)
    rows = _rebuild(days)
    SweepMark.objects.update_or_create(name=REFRESH_MARK, defaults={"at": began})
    return {"days": len(days), "rows": rows}
