"""Decisions to publish: a doctor's registration for 张三 (a natural person, no e-licence), the restaurant's food
permit (an e-licence), and penalties on a new shop."""

import datetime as dt

import pytest

from tests.case_fixtures import decide, form_for, uploads_for
from tests.coordination.licensing import new_shop  # noqa: F401  (fixture)
from yiwang.accounts.models import Person, User
from yiwang.cases import services
from yiwang.catalog.models import ItemImplementation
from yiwang.org.models import Department
from yiwang.supervision.services import penalty_record
from yiwang.workflow.models import Task


def granted(code: str, *, actor, clerk, capture, person=None, entity=None, result_data=None, execute=True, grant=True):
    """Applied for online, accepted, reviewed by every department on it and granted (or, without `grant`, denied);
    with `execute`, the decision's consumers run (the e-licence, the publication)."""
    implementation = ItemImplementation.objects.get(code=code)
    case = services.case_submit(
        actor=actor,
        implementation=implementation,
        person=person,
        entity=entity,
        form_data=form_for(implementation, person=person, entity=entity),
        uploads=uploads_for(implementation),
        idempotency_key=f"publicity-{code}",
    )
    case = services.case_accept(actor=clerk, case=case)
    for task in (
        case.tasks.filter(status__in=Task.OPEN_STATES).exclude(role=Task.Role.DECISION).select_related("department")
    ):
        reviewer = User.objects.get(username=f"hz-{task.department.kind.lower()}-reviewer")
        services.task_claim(actor=reviewer, task=task)
        services.task_complete(actor=reviewer, task=task, outcome="agree", opinion="符合要求")
    with capture(execute=execute):
        return decide(case, grant=grant, reasons="" if grant else "不符合法定条件", result_data=result_data)


@pytest.fixture
def zhang_san(db):
    return Person.objects.get(id_number="440105199001011239")


@pytest.fixture
def doctor_case(monday, citizen, clerk, zhang_san, django_capture_on_commit_callbacks):
    """医师执业注册 (R012) for 张三: a 行政许可 whose result is no licence."""
    return granted(
        "R012-440105",
        actor=citizen,
        clerk=clerk,
        person=zhang_san,
        capture=django_capture_on_commit_callbacks,
        result_data={"执业类别": "临床", "执业范围": "内科专业"},
    )


@pytest.fixture
def food_case(monday, enterprise_agent, restaurant, clerk, django_capture_on_commit_callbacks):
    """食品经营许可（新办） (R005) for the restaurant: granted, its 食品经营许可证 issued by the consumer."""
    return granted(
        "R005-440105",
        actor=enterprise_agent,
        clerk=clerk,
        entity=restaurant,
        capture=django_capture_on_commit_callbacks,
        result_data={"经营项目": "热食类食品制售"},
    )


@pytest.fixture
def urban(db):
    return Department.objects.get(region__code="440105", kind="URBAN")


@pytest.fixture
def urban_inspector(db):
    return User.objects.get(username="hz-urban-inspector")


@pytest.fixture
def fine(monday, new_shop, urban, urban_inspector, django_capture_on_commit_callbacks):  # noqa: F811
    """A plain fine on the new shop, decided on a Friday and entered on the Monday after (the pinned clock)."""

    def record(number="海综执罚〔2026〕101号", decided_on=dt.date(2026, 11, 20), execute=True, entity=None, **more):
        with django_capture_on_commit_callbacks(execute=execute):
            return penalty_record(
                actor=urban_inspector,
                entity=entity or new_shop,
                department=urban,
                number=number,
                facts="擅自占用人行道摆卖，经责令改正后仍未改正",
                legal_basis="《城市道路管理条例》第二十七条第（一）项、第四十二条",
                kinds=["fine"],
                amount="2000",
                decided_on=decided_on,
                **more,
            )

    return record
