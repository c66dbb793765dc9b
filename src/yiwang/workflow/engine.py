"""The engine: a small state machine over Task rows. It opens a stage's tasks, notices when a stage is
complete, and opens the next stage or the lead department's decision. Callers hold the case's row lock,
so two tasks finishing at once cannot both see the other one still open."""

import datetime as dt
from dataclasses import dataclass

from yiwang.core.cache import cached
from yiwang.core.calendar import WorkCalendar

from .models import ProcessDefinition, Stage, Task


@dataclass(frozen=True)
class StagePlan:
    position: int
    name: str
    mode: str
    lead_department_id: int
    days: int
    stage: Stage | None
    participants: tuple[tuple[int, int], ...]  # (department id, days)


def current_definition(implementation) -> ProcessDefinition | None:
    """The implementation's (an instance or its id) newest process definition; shared by the process (read-only)."""
    pk = getattr(implementation, "pk", implementation)
    return cached(
        "process",
        ("current", pk),
        lambda: ProcessDefinition.objects.filter(implementation=pk).order_by("-number").first(),
    )


def plan(case) -> list[StagePlan]:
    """The stages a case runs through: its pinned definition, or one review by the lead department."""
    if case.process_id is None:
        return [StagePlan(1, "审查", Stage.Mode.SINGLE, case.department_id, max(case.promised_days, 1), None, ())]
    return cached("process", case.process_id, lambda: _read_plan(case.process_id))


def _read_plan(process_id: int) -> list[StagePlan]:
    stages = Stage.objects.filter(definition=process_id).prefetch_related("participants").order_by("position")
    return [
        StagePlan(
            s.position,
            s.name,
            s.mode,
            s.lead_department_id,
            s.days,
            s,
            tuple((p.department_id, p.days) for p in s.participants.all()),
        )
        for s in stages
    ]


def is_joint(case) -> bool:
    """统一办理, 联合办理 or 集中办理 (第四十二条第二款), as the case's process records it; see ProcessDefinition.handling."""
    return case.process_id is not None and case.process.handling != ProcessDefinition.Handling.SEPARATE


def open_stage(case, stage: StagePlan, *, today: dt.date, cal: WorkCalendar) -> list[Task]:
    def task(department_id, role, days):
        due = cal.add_working_days(today, days)
        return Task(
            case=case,
            stage=stage.stage,
            stage_position=stage.position,
            department_id=department_id,
            role=role,
            opened_on=today,
            due_on=due.date,
            due_provisional=due.provisional,
        )

    helper_role = Task.Role.CONSULTED if stage.mode == Stage.Mode.CONSULT else Task.Role.ASSISTING
    tasks = [task(stage.lead_department_id, Task.Role.LEAD, stage.days)]
    tasks += [task(dept, helper_role, days) for dept, days in stage.participants]
    return Task.objects.bulk_create(tasks)


def open_decision(case, *, today: dt.date, cal: WorkCalendar) -> Task:
    due = case.due_on or cal.add_working_days(today, 1).date
    return Task.objects.create(
        case=case,
        stage_position=0,
        department_id=case.department_id,
        role=Task.Role.DECISION,
        opened_on=today,
        due_on=max(due, today),
    )


def start(case, *, today: dt.date, cal: WorkCalendar) -> list[Task]:
    return open_stage(case, plan(case)[0], today=today, cal=cal)


def advance(case, finished: Task, *, today: dt.date, cal: WorkCalendar, stage_tasks=None) -> list[Task]:
    """After a task finished: open what comes next, if its stage is complete. Returns the tasks opened.

    `stage_tasks`: the finished task's stage, as the caller already read it under the case's lock (with
    `finished` in its new state), so it is not read twice."""
    if finished.role == Task.Role.DECISION:
        return []
    if stage_tasks is None:
        stage_tasks = list(case.tasks.filter(stage_position=finished.stage_position))
    if any(t.is_open for t in stage_tasks):
        return []
    stages = plan(case)
    current = next(s for s in stages if s.position == finished.stage_position)
    refused = current.mode == Stage.Mode.COUNTERSIGN and any(t.status == Task.Status.DISAGREED for t in stage_tasks)
    later = [s for s in stages if s.position > current.position]
    if (
        later
        and not refused
        and not any(t.status == Task.Status.DISAGREED and t.role == Task.Role.LEAD for t in stage_tasks)
    ):
        return open_stage(case, later[0], today=today, cal=cal)
    # Every stage has spoken, or a countersign was refused: the lead department decides on what it has.
    return [open_decision(case, today=today, cal=cal)]


def reopen(case, returned: Task, *, today: dt.date, cal: WorkCalendar) -> Task:
    """After a correction, the department that returned the case gets a fresh task with its full time."""
    days = max(cal.working_days_between(returned.opened_on, returned.due_on).days, 1)
    due = cal.add_working_days(today, days)
    return Task.objects.create(
        case=case,
        stage=returned.stage,
        stage_position=returned.stage_position,
        department_id=returned.department_id,
        role=returned.role,
        opened_on=today,
        due_on=due.date,
        due_provisional=due.provisional,
    )
