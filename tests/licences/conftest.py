"""A granted food permit (R005) for the restaurant, issued as an e-licence by the case.granted consumer."""

import pytest

from tests.case_fixtures import decide
from yiwang.cases import services
from yiwang.workflow.models import Task


def grant(case, samr_reviewer, urban_reviewer, capture):
    tasks = {t.department.kind: t for t in case.tasks.select_related("department")}
    services.task_complete(actor=urban_reviewer, task=tasks["URBAN"], outcome="agree", opinion="符合要求")
    services.task_claim(actor=samr_reviewer, task=tasks["SAMR"])
    services.task_complete(actor=samr_reviewer, task=tasks["SAMR"], outcome="agree", opinion="符合要求")
    assert case.tasks.filter(role=Task.Role.DECISION).exists()
    with capture(execute=True):
        return decide(
            case,
            grant=True,
            result_data={"经营项目": "热食类食品制售", "主体业态": "餐饮服务经营者"},
        )


@pytest.fixture
def licence(in_review, samr_reviewer, urban_reviewer, django_capture_on_commit_callbacks):
    case = grant(in_review, samr_reviewer, urban_reviewer, django_capture_on_commit_callbacks)
    return case.licences.get()
