"""Process definitions: validated when written, versioned, and written from the admin's stage lines."""

import pytest

from yiwang.catalog.models import ItemImplementation
from yiwang.core.errors import PermissionDenied, ValidationFailed
from yiwang.org.models import Department
from yiwang.workflow.models import ProcessDefinition, Stage
from yiwang.workflow.services import process_define


def _dept(code):
    return Department.objects.get(code=code)


@pytest.fixture
def signboard(db):
    return ItemImplementation.objects.get(code="R048-440105")  # 户外招牌, promised 5 working days


def test_a_valid_process_gets_the_next_version(catalog_admin, signboard):
    first = process_define(
        actor=catalog_admin,
        implementation=signboard,
        stages=[
            {"name": "审查", "mode": Stage.Mode.SINGLE, "lead_department": _dept("440105-URBAN"), "days": 5},
        ],
    )
    second = process_define(
        actor=catalog_admin,
        implementation=signboard,
        stages=[
            {
                "name": "联合审查",
                "mode": Stage.Mode.COUNTERSIGN,
                "lead_department": _dept("440105-URBAN"),
                "days": 5,
                "participants": [(_dept("440105-SAMR"), 3), (_dept("440100-FIRE"), 3)],
            },
        ],
    )
    assert (first.number, second.number) == (1, 2)
    assert list(second.stages.get().participants.values_list("department__code", flat=True)) == [
        "440105-SAMR",
        "440100-FIRE",
    ]


@pytest.mark.parametrize(
    ("stages", "message"),
    [
        ([], "至少需要一个环节"),
        ([{"name": "审查", "mode": "single", "lead_department": "440106-URBAN", "days": 3}], "不在本实施区划"),
        ([{"name": "审查", "mode": "single", "lead_department": "440105-URBAN", "days": 9}], "超过承诺时限"),
        (
            [{"name": "会签", "mode": "countersign", "lead_department": "440105-URBAN", "days": 3}],
            "至少需要一个协办部门",
        ),
        (
            [
                {
                    "name": "会签",
                    "mode": "countersign",
                    "lead_department": "440105-URBAN",
                    "days": 3,
                    "participants": [("440105-SAMR", 4)],
                }
            ],
            "超过牵头部门时限",
        ),
        (
            [
                {
                    "name": "会签",
                    "mode": "countersign",
                    "lead_department": "440105-URBAN",
                    "days": 3,
                    "participants": [("440105-URBAN", 2)],
                }
            ],
            "不能重复",
        ),
    ],
)
def test_invalid_processes_are_refused_with_the_reason(catalog_admin, signboard, stages, message):
    for stage in stages:
        stage["lead_department"] = _dept(stage["lead_department"])
        stage["participants"] = [(_dept(code), days) for code, days in stage.get("participants", [])]
    with pytest.raises(ValidationFailed) as exc:
        process_define(actor=catalog_admin, implementation=signboard, stages=stages)
    assert any(message in problem for problem in exc.value.fields["stages"])
    assert not signboard.processes.exists()


def test_only_catalog_admins_define_processes(samr_reviewer, signboard):
    with pytest.raises(PermissionDenied):
        process_define(
            actor=samr_reviewer,
            implementation=signboard,
            stages=[{"name": "审查", "mode": "single", "lead_department": _dept("440105-URBAN"), "days": 5}],
        )


def test_the_admin_writes_a_version_from_stage_lines(client, superuser, signboard):
    client.force_login(superuser)
    response = client.post(
        "/admin/workflow/processdefinition/add/",
        {
            "implementation": signboard.pk,
            "note": "招牌：城管牵头，市场监管会签",
            "handling": "separate",
            "stages_text": "联合审查 | 会签 | 440105-URBAN 5 | 440105-SAMR 3",
        },
    )
    assert response.status_code == 302
    definition = ProcessDefinition.objects.get(implementation=signboard)
    assert definition.stages.get().mode == Stage.Mode.COUNTERSIGN


def test_the_admin_names_a_bad_line_and_writes_nothing(client, superuser, signboard):
    client.force_login(superuser)
    response = client.post(
        "/admin/workflow/processdefinition/add/",
        {
            "implementation": signboard.pk,
            "note": "",
            "handling": "separate",
            "stages_text": "审查 | 会签 | 440105-NOPE 5",
        },
    )
    assert response.status_code == 200
    assert "第 1 行" in response.content.decode()
    response = client.post(
        "/admin/workflow/processdefinition/add/",
        {
            "implementation": signboard.pk,
            "note": "",
            "handling": "separate",
            "stages_text": "审查 | 单部门 | 440105-URBAN 30",
        },
        follow=True,
    )
    assert "超过承诺时限" in response.content.decode()
    assert not signboard.processes.exists()


def test_a_written_definition_cannot_be_edited(client, superuser):
    client.force_login(superuser)
    definition = ProcessDefinition.objects.get(implementation__code="R005-440105")
    response = client.post(f"/admin/workflow/processdefinition/{definition.pk}/change/", {"note": "改"})
    assert response.status_code == 403
