"""How departments work together, read from the cases, tasks and notices (the Shandong study of 放管服 coordination,
高学栋、张明亮 2017: 联合审批、按时答复征求意见、双告知认领、审批结果推送给监管执法部门).

A department as subject answers for what it took part in: the joint cases it led or assisted on, its own assisting
and consulted tasks, the claims sent to it, the decisions it led. A district answers for every such row under it.
Something still inside its time limit is not counted either way.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from yiwang.cases.models import Case
from yiwang.catalog.models import ServiceItem
from yiwang.coordination.models import ClaimNotice, DecisionNotice
from yiwang.insights.counting import local_bounds
from yiwang.workflow.models import Task

from .subjects import Reading, share

# A task in which another department gives its part of a case: 协办审查 in a parallel stage, 征求意见.
ASSISTING_ROLES = (Task.Role.ASSISTING, Task.Role.CONSULTED)


def _local_day(moment):
    return timezone.localtime(moment).date() if moment is not None else None


def joint_on_time(reading: Reading) -> float | None:
    """联合审批按时办结率: of the cases decided in the period with another department assisting or consulted, the
    share decided by their promised due date."""
    since, until = local_bounds(reading.period.start, reading.period.end)
    assisted = Task.objects.filter(case=OuterRef("pk"), role__in=ASSISTING_ROLES)
    cases = Case.objects.filter(Exists(assisted), decided_at__gte=since, decided_at__lt=until)
    subject = reading.subject
    if subject.department is not None:
        took_part = Task.objects.filter(case=OuterRef("pk"), department=subject.department)
        cases = cases.filter(Q(department=subject.department) | Exists(took_part))
    else:
        cases = cases.filter(region__path__startswith=subject.region.path)
    rows = cases.values_list("decided_at", "due_on").order_by()
    return share([due is None or _local_day(decided) <= due for decided, due in rows])


def assist_on_time(reading: Reading) -> float | None:
    """协办、征求意见按时答复率: of the assisting and consulted tasks due in the period, the share answered by their
    due date; one still open counts once its due date has passed."""
    tasks = Task.objects.filter(
        reading.subject.where("department", "department__region"),
        role__in=ASSISTING_ROLES,
        due_on__gte=reading.period.start,
        due_on__lt=reading.period.end,
    ).exclude(status=Task.Status.CANCELLED)
    answered = []
    for due, finished in tasks.values_list("due_on", "finished_at").order_by():
        if finished is None and due >= reading.today:
            continue
        answered.append(finished is not None and _local_day(finished) <= due)
    return share(answered)


def claim_on_time(reading: Reading) -> float | None:
    """双告知认领及时率: of the claim notices issued in the period, the share claimed within their five working days
    (coordination.services.CLAIM_DAYS); one unclaimed counts once its due date has passed."""
    notices = ClaimNotice.objects.filter(
        reading.subject.where("department", "department__region"),
        issued_on__gte=reading.period.start,
        issued_on__lt=reading.period.end,
    )
    claimed = []
    for due, at in notices.values_list("due_on", "claimed_at").order_by():
        if at is None and due >= reading.today:
            continue
        claimed.append(at is not None and _local_day(at) <= due)
    return share(claimed)


def decision_push_rate(reading: Reading) -> float | None:
    """审管联动推送率: of the licences granted in the period, the share whose decision reached at least one
    supervising department (an item no supervisor subscribed to reaches none)."""
    since, until = local_bounds(reading.period.start, reading.period.end)
    pushed = DecisionNotice.objects.filter(case=OuterRef("pk"))
    rows = (
        Case.objects.filter(
            reading.subject.where("department", "region"),
            granted=True,
            item__kind=ServiceItem.Kind.LICENSING,
            decided_at__gte=since,
            decided_at__lt=until,
        )
        .annotate(pushed=Exists(pushed))
        .values_list("pushed", flat=True)
        .order_by()
    )
    return share(list(rows))
