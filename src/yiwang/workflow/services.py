"""Writing process definitions: validated, versioned, never edited in place once written."""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from yiwang.catalog.devolution import devolution_refresh
from yiwang.catalog.models import ItemImplementation
from yiwang.catalog.services import require_catalog_admin
from yiwang.core.audit import audit_record
from yiwang.core.cache import cache_bump
from yiwang.core.errors import ValidationFailed
from yiwang.org.models import Department

from .models import ProcessDefinition, Stage, StageParticipant


def _check(implementation: ItemImplementation, stages: list[dict]) -> list[str]:
    problems = []
    if not stages:
        return [_("流程至少需要一个环节")]
    version = implementation.item.current_version
    limit = implementation.promised_days_for(version) if version else 0
    home = implementation.department.region
    total = 0
    for number, stage in enumerate(stages, start=1):
        departments = [stage["lead_department"], *(d for d, _days in stage.get("participants", []))]
        for dept in departments:
            # A department can take part if it sits at the implementation's region or above it (市 for 区).
            if not home.is_within(dept.region):
                problems.append(_("第 %(n)d 环节：%(d)s 不在本实施区划或其上级区划") % {"n": number, "d": dept})
        if len(set(d.pk for d in departments)) != len(departments):
            problems.append(_("第 %(n)d 环节：同一部门不能重复出现") % {"n": number})
        if stage.get("mode", Stage.Mode.SINGLE) == Stage.Mode.SINGLE and stage.get("participants"):
            problems.append(_("第 %(n)d 环节：单部门审查不能有协办部门") % {"n": number})
        if stage.get("mode") in (Stage.Mode.COUNTERSIGN, Stage.Mode.CONSULT) and not stage.get("participants"):
            problems.append(_("第 %(n)d 环节：并联环节至少需要一个协办部门") % {"n": number})
        for dept, days in stage.get("participants", []):
            if days > stage["days"]:
                problems.append(_("第 %(n)d 环节：%(d)s 的时限超过牵头部门时限") % {"n": number, "d": dept})
        total += stage["days"]
    if limit and total > limit:
        problems.append(_("各环节时限合计 %(t)d 个工作日，超过承诺时限 %(l)d 个工作日") % {"t": total, "l": limit})
    return problems


@transaction.atomic
def process_define(
    *,
    actor,
    implementation: ItemImplementation,
    stages: list[dict],
    note: str = "",
    handling: str = ProcessDefinition.Handling.SEPARATE,
) -> ProcessDefinition:
    """Write a new version of an implementation's process.

    stages: [{"name", "mode", "lead_department": Department, "days", "participants": [(Department, days)]}]
    """
    require_catalog_admin(actor)
    implementation = (
        # of=self: PostgreSQL cannot lock the nullable side of the outer join to current_version.
        ItemImplementation.objects.select_for_update(of=("self",))
        .select_related("item__current_version", "department__region")
        .get(pk=implementation.pk)
    )
    problems = _check(implementation, stages)
    if handling not in ProcessDefinition.Handling.values:
        problems.append(_("不是可选的办理方式"))
    if problems:
        raise ValidationFailed(fields={"stages": problems})
    number = (implementation.processes.aggregate(n=Max("number"))["n"] or 0) + 1
    definition = ProcessDefinition.objects.create(
        implementation=implementation, number=number, note=note, handling=handling
    )
    for position, spec in enumerate(stages, start=1):
        stage = Stage.objects.create(
            definition=definition,
            position=position,
            name=spec["name"],
            mode=spec.get("mode", Stage.Mode.SINGLE),
            lead_department=spec["lead_department"],
            days=spec["days"],
        )
        StageParticipant.objects.bulk_create(
            StageParticipant(stage=stage, department=dept, days=days) for dept, days in spec.get("participants", [])
        )
    cache_bump("process")  # bulk_create sends no post_save
    # 放权同步: a department above the implementation's region now takes part, or no longer does.
    devolution_refresh(actor=actor, items=[implementation.item_id])
    audit_record(
        actor=actor,
        action="workflow.process_define",
        target=definition,
        data={
            "implementation": implementation.code,
            "number": number,
            "handling": handling,
            "stages": [
                {
                    "name": s["name"],
                    "lead": s["lead_department"].code,
                    "participants": [d.code for d, _days in s.get("participants", [])],
                }
                for s in stages
            ],
        },
    )
    return definition


# Demo processes for 海珠区: who reviews in parallel with whom.
DEMO_PROCESSES = [
    (
        "R005",
        "开餐馆：市场监管牵头，城管（油烟、门头）并联会签",
        [
            {
                "name": "材料审查与现场核查",
                "mode": Stage.Mode.COUNTERSIGN,
                "lead": "SAMR",
                "days": 4,
                "with": [("URBAN", 3)],
            }
        ],
    ),
    (
        "R010",
        "公共场所卫生许可：卫健牵头，征求城管意见",
        [{"name": "卫生审查", "mode": Stage.Mode.CONSULT, "lead": "HEALTH", "days": 4, "with": [("URBAN", 2)]}],
    ),
    (
        "R044",
        "娱乐场所：区政府组织文广旅、公安、消防、城管、生态环境联合办理",
        [
            {
                "name": "联合审查",
                "mode": Stage.Mode.COUNTERSIGN,
                "lead": "CULTURE",
                "days": 8,
                "with": [("PSB", 5), ("FIRE", 5), ("URBAN", 5), ("ECO", 5)],
            }
        ],
    ),
]


# The demo district government organises the entertainment-venue licence as 联合办理 (第二十六条第二款).
DEMO_HANDLING = {"R044": ProcessDefinition.Handling.JOINT}


def _department_above(region, kind: str) -> Department | None:
    """The department of that kind nearest above (or at) the region: 海珠区's own, else 广州市's."""
    return (
        Department.objects.filter(kind=kind, region__in=region.ancestors_and_self()).order_by("-region__depth").first()
    )


def load_demo_processes() -> None:
    for item_code, note, stages in DEMO_PROCESSES:
        implementation = ItemImplementation.objects.get(item__code=item_code, department__region__code="440105")
        if implementation.processes.exists():
            continue
        region = implementation.department.region
        process_define(
            actor=None,
            implementation=implementation,
            note=note,
            handling=DEMO_HANDLING.get(item_code, ProcessDefinition.Handling.SEPARATE),
            stages=[
                {
                    "name": s["name"],
                    "mode": s["mode"],
                    "lead_department": _department_above(region, s["lead"]),
                    "days": s["days"],
                    "participants": [(_department_above(region, kind), days) for kind, days in s["with"]],
                }
                for s in stages
            ],
        )
