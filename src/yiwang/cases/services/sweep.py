"""The worker's periodic pass over open cases: deemed acceptance and warning levels."""

import datetime as dt

from yiwang.core.calendar import WorkCalendar
from yiwang.workflow.models import Task

from .. import clock
from ..models import (
    Case,
)
from ._common import (
    _today,
)
from .acceptance import _deem_if_overdue


def clock_sweep(*, today: dt.date | None = None) -> dict[str, int]:
    """The worker's periodic job: deemed acceptance (第三十二条) and warning levels on open cases and tasks, and
    on decided cases not yet delivered (第四十四条)."""
    today = today or _today()
    overdue = Case.objects.filter(status=Case.Status.SUBMITTED, acceptance_due__lt=today).values_list("pk", flat=True)
    deemed = sum(_deem_if_overdue(pk, today=today) for pk in list(overdue))
    changed = 0
    cals: dict[int, WorkCalendar] = {}
    for case in Case.objects.filter(status__in=Case.OPEN_STATES).select_related("region").iterator():
        cal = cals.setdefault(case.region_id, WorkCalendar(case.region))
        level = clock.case_warning(case, today, cal)
        if level != case.warning:
            Case.objects.filter(pk=case.pk).update(warning=level)
            changed += 1
    awaiting = Case.objects.filter(status__in=(Case.Status.GRANTED, Case.Status.DENIED), delivery_due__isnull=False)
    for case in awaiting.select_related("region").iterator():
        cal = cals.setdefault(case.region_id, WorkCalendar(case.region))
        level = clock.delivery_warning(case, today, cal)
        if level != case.warning:
            Case.objects.filter(pk=case.pk).update(warning=level)
            changed += 1
    for task in Task.objects.filter(status__in=Task.OPEN_STATES).select_related("case__region").iterator():
        cal = cals.setdefault(task.case.region_id, WorkCalendar(task.case.region))
        level = clock.task_warning(task, today, cal)
        if level != task.warning:
            Task.objects.filter(pk=task.pk).update(warning=level)
            changed += 1
    return {"deemed_accepted": deemed, "warnings_changed": changed}
