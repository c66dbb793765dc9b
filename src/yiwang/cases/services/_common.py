"""What every stage of a case shares: the lock and permission check, the timeline record, the applicant's inbox,
and stopping and restarting the clock."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.accounts.models import Entity
from yiwang.core.audit import audit_record
from yiwang.core.calendar import WorkCalendar
from yiwang.core.errors import NotFound
from yiwang.core.events import emit
from yiwang.core.notifications import notify
from yiwang.core.permissions import restrict
from yiwang.org.models import Department
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


def _locked(case: Case, actor, action: str) -> Case:
    """The case, locked for this transaction, if the actor may act on it; otherwise the same 404 as missing."""
    # OF self: without it PostgreSQL also locks the joined region, department and item rows, and every
    # case of a district would queue behind one another on them.
    queryset = Case.objects.select_for_update(of=("self",))
    if action == "applicant":
        found = applicant_cases(actor).filter(pk=case.pk).values_list("pk", flat=True).first()
    else:
        found = restrict(Case.objects.all(), actor, action).filter(pk=case.pk).values_list("pk", flat=True).first()
    if found is None:
        raise NotFound()
    return queryset.select_related("region", "department", "version", "item").get(pk=found)


def _require_lead_head(case: Case, actor) -> None:
    """Only the lead department's head confirms its extensions and suspensions, not an assisting one's."""
    if not restrict(Department.objects.filter(pk=case.department_id), actor, "approve").exists():
        raise NotFound()


def applicant_cases(actor):
    """Cases the actor applied for, as the person, as an entity's agent, or as the submitting agent."""
    if actor is None or not actor.is_authenticated:
        return Case.objects.none()
    mine = (
        Case.objects.filter(submitted_by=actor)
        | Case.objects.filter(applicant_person__user=actor)
        | Case.objects.filter(applicant_entity__in=Entity.objects.acting_for(actor))
    )
    return Case.objects.filter(pk__in=mine.values("pk"))


def _record(
    case: Case,
    *,
    actor,
    action: str,
    moved: tuple[str, str] | None = None,
    note: str = "",
    event: str | None = None,
    data: dict | None = None,
) -> None:
    before, after = moved or ("", "")
    CaseLog.objects.create(
        case=case,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=str(actor) if actor else _("系统"),
        action=action,
        status_from=before,
        status_to=after,
        note=note,
    )
    audit_record(
        actor=actor,
        action=f"case.{action}",
        target=case,
        data={"number": case.number, "from": before, "to": after, "note": note, **(data or {})},
    )
    if event:
        emit(event, {"case": case.number, "case_id": case.pk, "status": case.status, **(data or {})})


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


def _locked_task(task: Task, actor) -> tuple[Case, Task]:
    """Lock the case first, then the task: every path that moves a case takes its locks in this order."""
    visible = restrict(Task.objects.all(), actor, "review").filter(pk=task.pk).values_list("case_id", flat=True).first()
    if visible is None:
        raise NotFound()
    case = (
        Case.objects.select_for_update(of=("self",)).select_related("region", "department", "version").get(pk=visible)
    )
    return case, Task.objects.select_for_update().get(pk=task.pk)


def _require_on_task(task: Task, actor, action: str) -> None:
    if not restrict(Task.objects.filter(pk=task.pk), actor, action).exists():
        raise NotFound()


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
