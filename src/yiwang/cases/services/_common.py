"""What every stage of a case shares: the lock and permission check, the timeline record, the applicant's inbox,
and stopping and restarting the clock."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.accounts.models import Entity
from yiwang.core.audit import audit_record
from yiwang.core.calendar import WorkCalendar
from yiwang.core.compiled import CompiledQuery
from yiwang.core.errors import NotFound
from yiwang.core.events import emit
from yiwang.core.notifications import notify
from yiwang.core.permissions import require
from yiwang.core.writebehind import defer_insert
from yiwang.workflow.models import Task

from .. import clock
from ..models import (
    Case,
    CaseLog,
    Suspension,
)


def _today() -> dt.date:
    return timezone.localdate()


def _calendar(case: Case) -> WorkCalendar:
    return WorkCalendar(case.region)


# What the services read of a locked case besides its row: the region (permission, calendar), the lead
# department with its region (its name), the catalog version and item, and whose inbox hears about it.
CASE_RELATED = (
    "region",
    "department__region",
    "version",
    "item",
    "submitted_by",
    "applicant_person__user",
    "applicant_entity",
)
# The deadline fields clock.refresh_deadlines sets, and what _resume_clock changes on the case.
DEADLINE_FIELDS = ("due_on", "statutory_due_on", "due_provisional")
RESUME_FIELDS = ("suspended_days", "suspended_since", *DEADLINE_FIELDS)

# The two locking reads every step makes, compiled once per process and database (core.compiled): their SQL
# differs only in the key, and compiling their joins was the largest part of the ORM's SELECT compiling in a step.
# OF self: without it PostgreSQL also locks the joined region, department and item rows, and every case of a
# district would queue behind one another on them. get() on these, not first(): no ORDER BY for a key.
LOCKED_CASE = CompiledQuery(
    lambda pk: Case.objects.select_for_update(of=("self",)).select_related(*CASE_RELATED).filter(pk=pk)
)
# A task is locked with its case's row (first, as every path that moves a case takes them: FOR UPDATE OF lists it
# first) and the case's other tasks, which a review step reads anyway (is its stage complete? is a consulted
# department still due?), so one statement does both. Only what a review step reads of the case and departments
# (the region for the permission and the calendar, the department's name); the rare return to the applicant
# loads the rest when it notifies.
_LOCKED_CASE_TASKS = CompiledQuery(
    lambda case_id: (
        Task.objects.select_for_update(of=("case", "self"))
        .select_related("case__region", "department__region")
        .filter(case_id=case_id)
        .order_by("pk")
    )
)


def _locked(case: Case, actor, action: str) -> Case:
    """The case, locked for this transaction, if the actor may act on it; otherwise the same 404 as missing.

    One query locks and reads the case; the permission is then decided in Python from the actor's roles (read
    once per user object), so a forbidden actor holds the lock only until the NotFound rolls back."""
    try:
        found = LOCKED_CASE.get(case.pk)
    except Case.DoesNotExist:
        raise NotFound() from None
    if action == "applicant":
        if not _applied_for(found, actor):
            raise NotFound()
    else:
        require(actor, action, found)
    return found


def _applied_for(case: Case, actor) -> bool:
    """selectors.applicant_cases() for one case in hand: the submitter, the applicant person, or an entity's agent."""
    if actor is None or not actor.is_authenticated:
        return False
    if actor.pk in (case.submitted_by_id, case.applicant_person.user_id if case.applicant_person_id else None):
        return True
    return (
        case.applicant_entity_id is not None
        and Entity.objects.acting_for(actor).filter(pk=case.applicant_entity_id).exists()
    )


def _save(case: Case, *fields: str) -> None:
    """Write only what the step changed (and the row's updated_at), not every column of the case."""
    case.save(update_fields=[*fields, "updated_at"])


def _require_lead_head(case: Case, actor) -> None:
    """Only the lead department's head confirms its extensions and suspensions, not an assisting one's."""
    require(actor, "approve", case.department)


def _record(
    case: Case,
    *,
    actor,
    action: str,
    moved: tuple[str, str] | None = None,
    note: str = "",
    event: str | None = None,
    data: dict | None = None,
) -> CaseLog:
    before, after = moved or ("", "")
    entry = CaseLog(
        case=case,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=str(actor) if actor else _("系统"),
        action=action,
        status_from=before,
        status_to=after,
        note=note,
    )
    defer_insert(entry)
    audit_record(
        actor=actor,
        action=f"case.{action}",
        target=case,
        data={"number": case.number, "from": before, "to": after, "note": note, **(data or {})},
    )
    if event:
        emit(event, {"case": case.number, "case_id": case.pk, "status": case.status, **(data or {})})
    return entry


def _applicant_user(case: Case):
    """Whose inbox hears about the case: never the clerk who typed in a walk-in's application."""
    if case.applicant_person_id:
        return case.applicant_person.user
    if case.channel == Case.Channel.ONLINE:
        return case.submitted_by
    return case.applicant_entity.agents_in_force().order_by("pk").first()


def _tell_applicant(case: Case, title: str, body: str = "") -> None:
    notify(user=_applicant_user(case), title=f"{case.number} {title}", body=body, url=f"/cases/{case.number}/")


def _merge(errors: dict[str, list[str]], more: dict[str, list[str]]) -> dict[str, list[str]]:
    for name, problems in more.items():
        errors.setdefault(name, []).extend(problems)
    return errors


def _locked_task(task: Task, actor) -> tuple[Case, Task, list[Task]]:
    """The task, its case and the tasks of its stage, all locked in one query, if the actor may review the task;
    otherwise NotFound."""
    tasks = _LOCKED_CASE_TASKS.all(task.case_id)
    found = next((t for t in tasks if t.pk == task.pk), None)
    if found is None:
        raise NotFound()
    require(actor, "review", found)
    case = found.case
    stage = []
    for t in tasks:
        if t.stage_position == found.stage_position:
            t.case = case
            stage.append(t)
    return case, found, stage


def _require_on_task(task: Task, actor, action: str) -> None:
    require(actor, action, task)


def _suspend_clock(case: Case, *, actor, reason: str, note: str, approver=None) -> Suspension:
    case.suspended_since = _today()
    return Suspension.objects.create(
        case=case, reason=reason, note=note, requested_by=actor, approved_by=approver, started_on=case.suspended_since
    )


def _resume_clock(case: Case) -> None:
    """Close the open suspension: its working days are added to the case's and its open tasks' deadlines."""
    open_period = case.suspensions.filter(ended_on__isnull=True, started_on__isnull=False).first()
    if open_period is None or case.suspended_since is None:
        return
    cal, today = _calendar(case), _today()
    days = max(cal.working_days_between(case.suspended_since, today).days, 0)
    open_period.ended_on, open_period.working_days = today, days
    open_period.save(update_fields=["ended_on", "working_days"])
    case.suspended_days += days
    case.suspended_since = None
    clock.refresh_deadlines(case, cal)
    for task in case.tasks.filter(status__in=Task.OPEN_STATES):
        task.due_on = cal.add_working_days(task.due_on, days).date
        task.save(update_fields=["due_on"])
