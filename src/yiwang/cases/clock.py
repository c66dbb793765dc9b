"""The case clock: deadlines and warning levels in working days, from the one calendar service.

行政许可法: 第三十二条 5 working days to accept or give one correction notice; 第四十二条 20 working days
to decide (or the item's own limit; the promise runs inside it), 45 for joint handling, extendable once
by 10 (joint: 15); 第四十五条 special procedures and the applicant's corrections do not count;
第四十四条 10 working days from the decision to issue and deliver it.
"""

import datetime as dt

from django.utils import timezone

from yiwang.core.calendar import WorkCalendar

ACCEPTANCE_DAYS = 5
JOINT_STATUTORY_DAYS = 45
EXTENSION_DAYS = 10
JOINT_EXTENSION_DAYS = 15
DELIVERY_DAYS = 10
YELLOW_SHARE = 0.8


def acceptance_deadline(received_on: dt.date, cal: WorkCalendar):
    return cal.add_working_days(received_on, ACCEPTANCE_DAYS)


def refresh_deadlines(case, cal: WorkCalendar) -> None:
    """Recompute due dates from the acceptance day, the limits, any extension and the suspended days."""
    if case.accepted_on is None:
        return
    promised = cal.add_working_days(case.accepted_on, case.limit_days + case.suspended_days)
    statutory = cal.add_working_days(case.accepted_on, case.statutory_days + case.extension_days + case.suspended_days)
    case.due_on, case.statutory_due_on = promised.date, statutory.date
    case.due_provisional = promised.provisional or statutory.provisional


def warning_level(
    *, start: dt.date, due: dt.date, limit_days: int, today: dt.date, cal: WorkCalendar, paused_days: int = 0
) -> str:
    """green, yellow once 80% of the working days are used, red once the due day has passed."""
    if today > due:
        return "red"
    if limit_days <= 0:
        return "green"
    used = cal.working_days_between(start, today).days - paused_days
    return "yellow" if used >= YELLOW_SHARE * limit_days else "green"


def case_warning(case, today: dt.date, cal: WorkCalendar) -> str:
    if case.status == case.Status.SUBMITTED:
        return warning_level(
            start=case.acceptance_from, due=case.acceptance_due, limit_days=ACCEPTANCE_DAYS, today=today, cal=cal
        )
    if case.due_on is None:
        return case.warning
    # A suspended clock is frozen where it stopped.
    at = case.suspended_since or today
    return warning_level(
        start=case.accepted_on,
        due=case.due_on,
        limit_days=case.limit_days,
        today=at,
        cal=cal,
        paused_days=case.suspended_days,
    )


def task_warning(task, today: dt.date, cal: WorkCalendar) -> str:
    limit = cal.working_days_between(task.opened_on, task.due_on).days
    return warning_level(start=task.opened_on, due=task.due_on, limit_days=limit, today=today, cal=cal)


def set_delivery_due(case, cal: WorkCalendar) -> None:
    """第四十四条: the decision just made is issued and delivered within 10 working days; its clock starts green."""
    case.delivery_due = cal.add_working_days(timezone.localdate(case.decided_at), DELIVERY_DAYS).date
    case.warning = "green"


def delivery_warning(case, today: dt.date, cal: WorkCalendar) -> str:
    return warning_level(
        start=timezone.localdate(case.decided_at),
        due=case.delivery_due,
        limit_days=DELIVERY_DAYS,
        today=today,
        cal=cal,
    )
