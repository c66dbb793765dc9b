"""Staff-side reads of cases, tasks, approvals, supervision and rectifications.

Every function takes the actor and filters through `restrict`, so a page built on these can never list or
fetch another department's or district's rows; a row the actor may not see is the same NotFound as a missing one.
"""

from django.db.models import Case as Switch
from django.db.models import Count, F, IntegerField, Prefetch, Q, Value, When
from django.utils.translation import gettext as _

from yiwang.accounts.identifiers import mask_identity_number
from yiwang.accounts.models import Entity, Person
from yiwang.accounts.selectors import entity_acted_for
from yiwang.catalog.forms_schema import display_value, submission_errors
from yiwang.catalog.models import ItemImplementation, MaterialSpec
from yiwang.core.compiled import CompiledQuery
from yiwang.core.errors import NotFound, ValidationFailed
from yiwang.core.permissions import get_restricted, restrict
from yiwang.licences.models import Licence
from yiwang.ratings.models import Rating, Rectification
from yiwang.workflow import engine
from yiwang.workflow.models import StageParticipant, Task

from .actions import Action
from .models import Case, CaseMaterial, CorrectionNotice, Extension, SupervisionOrder, Suspension

# Red first, then yellow, then green: what a supervisor must look at comes first.
WARNING_RANK = Switch(
    When(warning="red", then=Value(0)),
    When(warning="yellow", then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)
WARNING_LEVELS = ("red", "yellow", "green")


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


def deferred_material(case: Case, spec_pk: int) -> CaseMaterial:
    """A case's material still to come under 容缺, for a case the caller already fetched through its own
    restricted read; any other material is the same NotFound."""
    found = case.materials.filter(spec_id=spec_pk, provided=CaseMaterial.Provided.DEFERRED).select_related("spec")
    material = found.first()
    if material is None:
        raise NotFound()
    return material


def applicant_label(case: Case) -> str:
    """The applicant as a list shows it: an entity by name and USCC, a person by name and masked ID number."""
    if case.applicant_entity_id:
        return f"{case.applicant_entity.name}（{case.applicant_entity.uscc}）"
    person = case.applicant_person
    return f"{person.name}（{mask_identity_number(person.id_number)}）"


def _with_case(queryset):
    return queryset.select_related(
        "case__item", "case__applicant_person", "case__applicant_entity", "case__department", "department"
    )


def inbox(actor):
    """Open tasks of the actor's departments and regions: the green channel's (绿色通道) first, then the nearest
    deadline."""
    tasks = restrict(Task.objects.filter(status__in=Task.OPEN_STATES), actor, "review")
    return _with_case(tasks).select_related("assignee").order_by("-case__green_channel", "due_on", "pk")


def task_for_staff(actor, pk: int) -> Task:
    return get_restricted(Task.objects.select_related("case"), actor, "review", pk=pk)


def case_for_staff(actor, number: str) -> Case:
    return get_restricted(
        Case.objects.select_related(
            "item", "version", "implementation", "department", "region", "applicant_person", "applicant_entity"
        ),
        actor,
        "view",
        number=number,
    )


def case_tasks(actor, case: Case) -> list[Task]:
    """Every department's task on the case. Opinions are shown to the lead department and region-wide
    staff; an assisting department sees the others' state and deadline, its own answers only."""
    tasks = sorted(
        case.tasks.select_related("department", "assignee"),
        # The decision comes after every stage, though its stage position is 0.
        key=lambda t: (
            t.role == Task.Role.DECISION,
            t.stage_position,
            t.role != Task.Role.LEAD,
            t.department.name,
            t.pk,
        ),
    )
    own = set(restrict(case.tasks.all(), actor, "view").values_list("pk", flat=True))
    lead = restrict(case.tasks.filter(department=case.department_id), actor, "view").exists()
    for task in tasks:
        task.opinion_visible = lead or task.pk in own
    return tasks


def actor_open_tasks(actor, case: Case) -> list[Task]:
    """The actor's own open tasks on this case: the forms the case page offers."""
    return list(
        restrict(case.tasks.filter(status__in=Task.OPEN_STATES), actor, "review")
        .select_related("department", "assignee")
        .order_by("stage_position", "pk")
    )


def case_material(actor, number: str, pk: int) -> CaseMaterial:
    """A stored material of a case the actor may view; a drawn (免提交) one has no file to give."""
    case = case_for_staff(actor, number)
    material = case.materials.select_related("spec").filter(pk=pk).exclude(file_key="").first()
    if material is None:
        raise NotFound()
    return material


def notified_suspensions(case: Case):
    """The case's 第四十五条 suspensions whose clock has stopped: each has a written notice of its expected time
    (the applicant's own corrections, and rows from before durations were recorded, have none)."""
    return case.suspensions.filter(started_on__isnull=False, expected_days__isnull=False).order_by("started_on", "pk")


def notified_suspension(case: Case, pk: int) -> Suspension:
    """One of those, of a case already fetched for its reader."""
    found = notified_suspensions(case).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def _cases(actor, action: str):
    return Case.objects.filter(pk__in=restrict(Case.objects.all(), actor, action).values("pk"))


def pending_suspensions(actor):
    """Suspension requests awaiting the organ head's confirmation (the applicant's corrections need none)."""
    return (
        Suspension.objects.filter(approved_by__isnull=True, started_on__isnull=True, case__in=_cases(actor, "approve"))
        .select_related("case__item", "requested_by")
        .order_by("requested_at")
    )


def pending_extensions(actor):
    """Extensions the actor may approve: a department's by its head, joint handling's by 本级人民政府负责人."""
    single = Extension.objects.filter(joint=False, case__in=_cases(actor, "approve"))
    joint = Extension.objects.filter(joint=True, case__in=_cases(actor, "approve_joint_extension"))
    return (
        (single | joint)
        .filter(approved_by__isnull=True)
        .select_related("case__item", "case__department", "requested_by")
        .order_by("requested_at")
    )


def suspension_for_approver(actor, pk: int) -> Suspension:
    found = pending_suspensions(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def extension_for_approver(actor, pk: int) -> Extension:
    found = pending_extensions(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def supervised_cases(actor):
    """Open cases in the actor's supervised region, red first, then by deadline."""
    cases = restrict(Case.objects.filter(status__in=Case.OPEN_STATES), actor, "supervise")
    return (
        cases.select_related("item", "department", "applicant_person", "applicant_entity")
        .annotate(rank=WARNING_RANK)
        .order_by("rank", "due_on", "acceptance_due", "number")
    )


def supervised_tasks(actor):
    tasks = restrict(Task.objects.filter(status__in=Task.OPEN_STATES), actor, "supervise")
    return _with_case(tasks).annotate(rank=WARNING_RANK).order_by("rank", "due_on", "pk")


def warning_counts(actor) -> dict:
    """Open cases and tasks per warning level, and open tasks per department and level."""
    cases = dict.fromkeys(WARNING_LEVELS, 0)
    for row in supervised_cases(actor).order_by().values("warning").annotate(n=Count("pk")):
        cases[row["warning"]] = row["n"]
    tasks = dict.fromkeys(WARNING_LEVELS, 0)
    departments: dict[str, dict[str, int]] = {}
    rows = (
        supervised_tasks(actor)
        .order_by()
        .values("department__region__name", "department__name", "warning")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        tasks[row["warning"]] += row["n"]
        name = f"{row['department__region__name']}{row['department__name']}"  # as Department.__str__ reads
        per = departments.setdefault(name, dict.fromkeys(WARNING_LEVELS, 0))
        per[row["warning"]] += row["n"]
    by_department = sorted(departments.items(), key=lambda kv: (-kv[1]["red"], -kv[1]["yellow"], kv[0]))
    return {"cases": cases, "tasks": tasks, "departments": by_department}


def supervised_case(actor, number: str) -> Case:
    return get_restricted(Case.objects.all(), actor, "supervise", number=number)


def issued_orders(actor):
    """督办 orders in the supervisor's region, unanswered first."""
    return (
        restrict(SupervisionOrder.objects.all(), actor, "supervise")
        .select_related("case", "department", "issued_by", "answered_by")
        .order_by(F("answered_at").desc(nulls_first=True), "due_on")
    )


def open_orders(actor):
    """督办 orders the actor's department must answer."""
    return (
        restrict(SupervisionOrder.objects.filter(answered_at__isnull=True), actor, "review")
        .select_related("case__item", "department", "issued_by")
        .order_by("due_on", "pk")
    )


def order_for_department(actor, pk: int) -> SupervisionOrder:
    return get_restricted(SupervisionOrder.objects.all(), actor, "review", pk=pk)


def open_rectifications(actor):
    """Bad ratings the actor's department has not answered yet, the nearest deadline first."""
    return (
        restrict(Rectification.objects.filter(answered_at__isnull=True), actor, "review")
        .select_related("rating__case__item", "department")
        .order_by("due_on", "pk")
    )


def rectification_for_department(actor, pk: int) -> Rectification:
    return get_restricted(Rectification.objects.all(), actor, "review", pk=pk)


def awaiting_delivery(*, actor):
    """待送达: decided cases not yet delivered that the actor may hand over, the nearest 第四十四条 date first."""
    return (
        restrict(Case.objects.filter(status__in=(Case.Status.GRANTED, Case.Status.DENIED)), actor, "deliver")
        .select_related(
            "item",
            "department__region",
            "applicant_person",
            "applicant_entity",
            "pickup_center",
            "intake_window__center",
        )
        .order_by(F("delivery_due").asc(nulls_last=True), "decided_at", "pk")
    )


def delivery_case(*, actor, number: str) -> Case:
    found = awaiting_delivery(actor=actor).filter(number=number).first()
    if found is None:
        raise NotFound()
    return found


def visible_cases(actor):
    """The actor's own applications and, for staff, the cases their roles let them view."""
    staff = restrict(Case.objects.all(), actor, "view").values("pk")
    own = applicant_cases(actor).values("pk")
    return Case.objects.filter(Q(pk__in=staff) | Q(pk__in=own)).select_related(
        "item", "implementation", "department__region", "region", "applicant_person", "applicant_entity"
    )


def visible_case(actor, number: str) -> Case:
    found = visible_cases(actor).filter(number=number).first()
    if found is None:
        raise NotFound()
    return found


def submitted_case(actor, key: str) -> Case | None:
    """The case the actor's earlier submission with this Idempotency-Key made, if any."""
    return Case.objects.filter(submitted_by=actor, idempotency_key=key).first()


def applicant_for(actor, *, person: str | None, entity: str | None) -> tuple[Person | None, Entity | None]:
    """The applicant among those the actor may apply for: their own person, or an entity they are agent of."""
    found_person = found_entity = None
    if person is not None:
        found_person = Person.objects.filter(user=actor, id_number=person.strip().upper()).first()
        if found_person is None:
            raise NotFound(_("未找到该申请人，或您不能代其申报"))
    if entity is not None:
        found_entity = entity_acted_for(actor, entity.strip().upper())
        if found_entity is None:
            raise NotFound(_("未找到该申请人，或您不能代其申报"))
    return found_person, found_entity


# Every submission names its implementation: compiled once per process (core.compiled).
_IMPLEMENTATION_BY_CODE = CompiledQuery(
    lambda code: ItemImplementation.objects.select_related("item__current_version", "department__region").filter(
        code=code
    ),
    sentinel="~",
)


def implementation_by_code(code: str) -> ItemImplementation:
    """The implementation an application names, with what case_submit reads of it (so it is not read twice)."""
    try:
        return _IMPLEMENTATION_BY_CODE.get(code)
    except ItemImplementation.DoesNotExist:
        raise ValidationFailed(fields={"implementation": [_("没有该实施清单")]}) from None


def new_case_detail(case: Case) -> Case:
    """The detail of a case case_submit has just made, from the rows it wrote (case.written): a new case has no
    tasks, corrections or rating yet, so nothing is read."""
    for name, rows in (*case.written.items(), ("tasks", []), ("corrections", [])):
        _as_prefetched(case, name, rows)
    case._state.fields_cache["rating"] = None
    return case


def _as_prefetched(instance, name: str, rows: list) -> None:
    """Related rows in hand, kept on the instance as prefetch_related() keeps what it read (Django's
    prefetch_one_level), so instance.<name>.all() answers with them."""
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache, queryset._prefetch_done = list(rows), True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def case_detail(actor, number: str) -> Case:
    """One visible case with everything its detail shows: timeline, tasks, materials, corrections, rating."""
    found = (
        visible_cases(actor)
        .prefetch_related(
            "log",
            "tasks__department__region",
            "tasks__assignee",
            "tasks__case",
            Prefetch("materials", CaseMaterial.objects.select_related("spec", "licence")),
            "corrections",
        )
        .select_related("rating")
        .filter(number=number)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


# --- the applicant's side -------------------------------------------------------------------------------

DECIDED = (Case.Status.GRANTED, Case.Status.DENIED, Case.Status.DELIVERED)


def applicant_case(actor, number: str) -> Case:
    found = (
        applicant_cases(actor)
        .filter(number=number)
        .select_related("item", "version", "department", "applicant_entity", "applicant_person", "implementation")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def applicant_timeline(case: Case) -> list:
    """The case's log as its applicant may see it: internal steps left out, opinions withheld until decided."""
    decided = case.status in DECIDED
    entries = []
    for entry in case.log.all():
        action = Action(entry.action)
        if not action.applicant_sees:
            continue
        if action.opinion_withheld and not decided:
            entry.note = entry.note.split("：", 1)[0]
        entry.label = action.applicant_label
        entries.append(entry)
    return entries


def planned_stages(case: Case) -> list:
    """Before acceptance no task exists yet: the stages that will run, from the process in force."""
    definition = case.process or engine.current_definition(case.implementation)
    if definition is None:
        return []
    return list(
        definition.stages.select_related("lead_department")
        .prefetch_related(Prefetch("participants", StageParticipant.objects.select_related("department")))
        .order_by("position")
    )


def case_licence(case: Case):
    """The licence issued on a case the caller already fetched through its own restricted read, if any."""
    return Licence.objects.filter(case=case).select_related("licence_type").first()


def case_rating(case: Case) -> Rating | None:
    return Rating.objects.filter(case=case).select_related("rectification").first()


# --- the workbench queues: each page's rows and its landing count come from the same function ----------


def acceptance_queue(actor):
    """网上预审: applications awaiting acceptance that the actor may accept, green channel first, then the
    nearest 第三十二条 deadline."""
    cases = restrict(Case.objects.filter(status=Case.Status.SUBMITTED), actor, "accept")
    return cases.select_related(
        "item", "region", "department__region", "applicant_person", "applicant_entity"
    ).order_by("-green_channel", "acceptance_due", "number")


def case_to_accept(actor, number: str) -> Case:
    found = acceptance_queue(actor).select_related("version").filter(number=number).first()
    if found is None:
        raise NotFound()
    return found


def decision_queue(actor):
    """待审批: decision tasks with a reviewer's proposal that the actor, the lead department's 负责人, signs."""
    tasks = restrict(
        Task.objects.filter(role=Task.Role.DECISION, status__in=Task.OPEN_STATES, case__proposed_at__isnull=False),
        actor,
        "decide",
    )
    return (
        _with_case(tasks)
        .select_related("case__proposed_by")
        .order_by("-case__green_channel", "due_on", "case__proposed_at", "pk")
    )


def case_to_decide(actor, number: str) -> Case:
    """A case awaiting the actor's 审批, with what the decision page shows."""
    task = decision_queue(actor).filter(case__number=number).first()
    if task is None:
        raise NotFound()
    return case_for_staff(actor, number)


def warned_tasks(actor):
    """预警: open tasks past their yellow or red line, the actor's department's (or, for a supervisor, the
    region's), red first."""
    open_tasks = Task.objects.filter(status__in=Task.OPEN_STATES).exclude(warning="green")
    reviewed = restrict(open_tasks, actor, "review").values("pk")
    supervised = restrict(open_tasks, actor, "supervise").values("pk")
    tasks = Task.objects.filter(Q(pk__in=reviewed) | Q(pk__in=supervised))
    return _with_case(tasks).annotate(rank=WARNING_RANK).order_by("rank", "due_on", "pk")


def correction_checklist(case: Case) -> dict:
    """一次性告知: every form field and material of the case, the ones that fail the schema or are missing
    pre-ticked, for the clerk to compose one notice from."""
    schema = case.version.form_schema or {}
    errors = submission_errors(schema, case.form_data)
    fields = [
        {
            "key": key,
            "title": prop.get("title", key),
            "value": display_value(prop, case.form_data.get(key)),
            "problem": "；".join(errors.get(key, [])),
        }
        for key, prop in schema.get("properties", {}).items()
    ]
    on_file = set(case.materials.values_list("spec_id", flat=True))
    materials = [
        {"pk": spec.pk, "name": spec.name, "missing": spec.required and spec.pk not in on_file}
        for spec in case.version.materials.order_by("position")
    ]
    return {"fields": fields, "materials": materials, "form_invalid": bool(errors)}


# --- one case's parts, for a case the caller already fetched through its own restricted read -------------


def applicant_case_tasks(case: Case) -> list[Task]:
    """The departments' tasks on the applicant's case, stage by stage (the opinions are the template's to
    withhold until decided)."""
    return list(case.tasks.select_related("department").order_by("stage_position", "pk"))


def case_material_specs(case: Case) -> list[MaterialSpec]:
    """The materials the case's catalog version asks for: the version it was submitted under, not today's."""
    return list(case.version.materials.all())


def applicant_case_materials(case: Case):
    return case.materials.select_related("spec").order_by("spec__position", "pk")


def staff_case_materials(case: Case):
    """The case's materials with the licence each one drew on (a reviewer checks its validity)."""
    return case.materials.select_related("spec", "licence__licence_type")


def open_correction(case: Case) -> CorrectionNotice | None:
    """The correction notice the applicant still has to answer, while the case waits for it."""
    if case.status != Case.Status.CORRECTION_REQUESTED:
        return None
    return case.corrections.filter(answered_at__isnull=True).order_by("-issued_at").first()


def latest_correction(case: Case) -> CorrectionNotice | None:
    """The case's last correction notice, answered or not (the window reprints it)."""
    return case.corrections.order_by("-issued_at").first()


def specs_on_file(case: Case) -> set[int]:
    """The material specs the case holds a material for, whatever its state."""
    return set(case.materials.values_list("spec_id", flat=True))


def applicant_case_list(actor):
    """The applicant's own cases, newest first, for the paged list."""
    return applicant_cases(actor).select_related("item", "department").order_by("-created_at")


def staff_timeline(case: Case) -> list:
    """The whole log, every step labelled as staff read it, with the status it moved the case to."""
    entries = list(case.log.all())
    for entry in entries:
        entry.label = entry.get_action_display()
        entry.status_label = str(Case.Status(entry.status_to).label) if entry.status_to in Case.Status.values else ""
    return entries


def case_supervision_orders(case: Case):
    return case.supervision_orders.select_related("issued_by", "answered_by")


def case_suspensions(case: Case):
    return case.suspensions.select_related("requested_by", "approved_by")
