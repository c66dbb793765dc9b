"""The hotline's limits: signing in working hours, replying in working days, on the district's WorkCalendar.

The calendar knows working days, not office hours. A working hour here is a wall-clock hour between DAY_START
and DAY_END of a working day (no lunch break): a limit that runs past DAY_END carries on at DAY_START of the
next working day. That is the approximation until the calendar learns each region's office hours.
"""

import datetime as dt

from django.utils import timezone

from yiwang.core.calendar import WorkCalendar

from .models import WorkOrder

DAY_START = dt.time(9, 0)
DAY_END = dt.time(18, 0)

Urgency, Handling = WorkOrder.Urgency, WorkOrder.Handling
# 签收时限, in working minutes.
SIGN_MINUTES = {Urgency.NORMAL: 120, Urgency.URGENT: 60, Urgency.EMERGENCY: 30}
# 答复时限, in working days after the day of dispatch.
REPLY_DAYS = {Urgency.NORMAL: 5, Urgency.URGENT: 2, Urgency.EMERGENCY: 1}
# A seasonal matter (汛期积水, 高温停水) cannot wait: it runs on the shortest limits whatever its urgency.
SHORTEST = Urgency.EMERGENCY
# Yellow (预警) from this share of a limit on, or from the start of its last working day.
WARN_SHARE = 0.8


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def _open_from(cal: WorkCalendar, moment: dt.datetime) -> dt.datetime:
    """The first working moment at or after `moment`."""
    local = timezone.localtime(moment)
    day = local.date()
    if cal.is_workday(day) and local.time() < DAY_END:
        return max(local, _at(day, DAY_START))
    day = cal.add_working_days(day, 1).date
    return _at(day, DAY_START)


def add_working_minutes(cal: WorkCalendar, start: dt.datetime, minutes: int) -> dt.datetime:
    moment = _open_from(cal, start)
    while True:
        end_of_day = _at(timezone.localtime(moment).date(), DAY_END)
        left = (end_of_day - moment).total_seconds() / 60
        if minutes <= left:
            return moment + dt.timedelta(minutes=minutes)
        minutes -= left
        moment = _open_from(cal, end_of_day)


def reply_due(cal: WorkCalendar, start: dt.datetime, days: int) -> dt.datetime:
    """The end of the working day `days` working days after the day of `start` (that day is not counted)."""
    return _at(cal.add_working_days(timezone.localtime(start).date(), days).date, DAY_END)


def _effective(urgency: str, handling: str) -> str:
    return SHORTEST if handling == Handling.SEASONAL else urgency


def sign_limit(cal: WorkCalendar, start: dt.datetime, *, urgency: str, handling: str) -> dt.datetime:
    return add_working_minutes(cal, start, SIGN_MINUTES[_effective(urgency, handling)])


def reply_limit(cal: WorkCalendar, start: dt.datetime, *, urgency: str, handling: str) -> dt.datetime:
    return reply_due(cal, start, REPLY_DAYS[_effective(urgency, handling)])


def warn_at(start: dt.datetime, due: dt.datetime) -> dt.datetime:
    """The earlier of: WARN_SHARE of the limit gone, the start of the limit's last working day."""
    share = start + (due - start) * WARN_SHARE
    last_day = _at(timezone.localtime(due).date(), DAY_START)
    return min(share, last_day) if last_day > start else share


def warning(order: WorkOrder, now: dt.datetime | None = None) -> str:
    """ "red" past the running limit, "yellow" from its warn_at, "" otherwise (or when no limit runs)."""
    if order.warn_at is None or order.status not in WorkOrder.OPEN_STATES:
        return ""
    now = now or timezone.now()
    due = order.sign_due if order.status == WorkOrder.Status.DISPATCHED else order.reply_due
    if due is not None and now > due:
        return "red"
    return "yellow" if now >= order.warn_at else ""
