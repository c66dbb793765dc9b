"""A new business (卷烟零售 and 餐饮服务 in its scope) whose business licence comes from a granted R001 case."""

import pytest

from tests.case_fixtures import decide, form_for, uploads_for
from yiwang.accounts.models import Entity
from yiwang.cases import services
from yiwang.catalog.models import ItemImplementation
from yiwang.org.models import Region
from yiwang.workflow.models import Task


@pytest.fixture
def new_shop(db, enterprise_agent):
    entity = Entity.objects.create(
        uscc="91440105MA5D0B1X03",
        name="广州市海珠区街坊便利餐饮店有限公司",
        legal_representative="孙八",
        region=Region.objects.get(code="440105"),
        business_scope=["餐饮服务", "卷烟零售", "日用百货销售"],
    )
    entity.agents.add(enterprise_agent)
    return entity


def grant_business_licence(entity, *, agent, clerk, samr_reviewer, capture):
    """Drive 企业设立登记 (R001, result BIZ_LICENCE) to granted; the consumers issue the licence."""
    implementation = ItemImplementation.objects.get(code="R001-440105")
    case = services.case_submit(
        actor=agent,
        implementation=implementation,
        entity=entity,
        form_data={**form_for(implementation, entity=entity), "applicant_name": entity.name},  # 企业名称 is typed
        uploads=uploads_for(implementation),
        idempotency_key=f"biz-{entity.uscc}",
    )
    case = services.case_accept(actor=clerk, case=case)
    for task in case.tasks.filter(status__in=Task.OPEN_STATES).exclude(role=Task.Role.DECISION):
        services.task_claim(actor=samr_reviewer, task=task)
        services.task_complete(actor=samr_reviewer, task=task, outcome="agree", opinion="符合登记条件")
    with capture(execute=True):
        return decide(case, grant=True, result_data={"经营范围": "餐饮服务"})
