"""Stage 3, review: each department's task, claimed and answered; the first answer wins."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from yiwang.core.permissions import allows
from yiwang.workflow import engine
from yiwang.workflow.models import Task

from ..models import (
    Case,
)
from ._common import (
    _calendar,
    _locked_task,
    _record,
    _today,
)
from .correction import correction_issue

TASK_OUTCOMES = {
    "agree": Task.Status.AGREED,
    "disagree": Task.Status.DISAGREED,
    "return": Task.Status.RETURNED,
    "answer": Task.Status.ANSWERED,
}


@transaction.atomic
def task_complete(*, actor, task: Task, outcome: str, opinion: str, points: list[str] | None = None) -> Task:
    """A department's answer on its task. Concurrent answers: the first wins, the others get a Conflict."""
    if outcome not in TASK_OUTCOMES:
        raise ValidationFailed(fields={"outcome": [_("不是可选的审查结论")]})
    if not opinion.strip():
        raise ValidationFailed(fields={"opinion": [_("请填写审查意见")]})
    case, task, stage_tasks = _locked_task(task, actor)
    if not task.is_open:
        raise Conflict(_("该任务已办结（%(s)s），请刷新") % {"s": task.get_status_display()})
    if task.status == Task.Status.CLAIMED and task.assignee_id != actor.pk:
        raise Conflict(_("该任务已由%(who)s签收办理") % {"who": task.assignee})
    if task.role == Task.Role.DECISION:
        raise InvalidTransition(_("审批决定请使用准予或不予许可"))
    if case.status != Case.Status.UNDER_REVIEW:
        raise InvalidTransition(_("办件当前为「%(s)s」，不能审查") % {"s": case.get_status_display()})
    allowed = {"answer"} if task.role == Task.Role.CONSULTED else {"agree", "disagree", "return"}
    if outcome not in allowed:
        raise ValidationFailed(fields={"outcome": [_("该任务不能作出此结论")]})
    if outcome == "return" and not allows(actor, "request_correction", case):
        raise PermissionDenied(_("退回补正由牵头部门决定，请在审查意见中写明需补正的内容"))
    today = _today()
    # The stage's tasks came with the lock: the lead's wait for consulted departments and the engine's "is the
    # stage complete" both look at them (the case's lock keeps them still).
    if task.role == Task.Role.LEAD and any(
        t.role == Task.Role.CONSULTED and t.is_open and t.due_on >= today for t in stage_tasks
    ):
        raise InvalidTransition(_("征求意见的部门尚未答复且未到答复期限"))
    task.status, task.assignee = TASK_OUTCOMES[outcome], task.assignee or actor
    task.opinion, task.finished_at = opinion.strip(), timezone.now()
    task.save(update_fields=["status", "assignee", "opinion", "finished_at"])
    _record(
        case,
        actor=actor,
        action=f"task_{outcome}",
        note=f"{task.department}：{task.opinion}",
        data={"task": task.pk, "department": task.department_id},
    )
    if outcome == "return":
        correction_issue(case, actor=actor, points=points or [task.opinion], clock_note=task.opinion)
        return task
    engine.advance(case, task, today=today, cal=_calendar(case), stage_tasks=stage_tasks)
    return task


@transaction.atomic
def task_claim(*, actor, task: Task) -> Task:
    case, task, _stage = _locked_task(task, actor)
    if task.status != Task.Status.OPEN:
        raise Conflict(_("该任务已由%(who)s办理") % {"who": task.assignee or _("他人")})
    task.status, task.assignee = Task.Status.CLAIMED, actor
    task.save(update_fields=["status", "assignee"])
    _record(case, actor=actor, action="task_claim", note=str(task.department))
    return task
