"""The entity register written from granted business-licence cases (设立登记 R001, 变更登记 R003)."""

import pytest
from stdnum.cn import uscc as uscc_code

from tests.case_fixtures import decide, form_for, uploads_for
from tests.registry.conftest import fetch_token, read, register
from yiwang.accounts.models import Entity, Person
from yiwang.cases import services
from yiwang.catalog.models import ItemImplementation
from yiwang.core.audit import audit_verify
from yiwang.core.errors import ValidationFailed
from yiwang.core.events import deliver_event
from yiwang.core.models import Event
from yiwang.registry.consumers import register_entity
from yiwang.registry.models import EntityChange
from yiwang.registry.selectors import approval_store
from yiwang.registry.services import entity_register
from yiwang.workflow.models import Task

NEW_USCC = "91440105MA5" + "NEWC0D"
NEW_USCC += uscc_code.calc_check_digit(NEW_USCC)


def _form(implementation, name: str, address: str, *, person=None, entity=None) -> dict:
    """The item's form as this applicant would send it, naming the company and its 住所."""
    return {**form_for(implementation, person=person, entity=entity), "applicant_name": name, "address": address}


def _granted(actor, implementation, *, clerk, reviewer, result_data, person=None, entity=None, form_data):
    case = services.case_submit(
        actor=actor,
        implementation=implementation,
        person=person,
        entity=entity,
        form_data=form_data,
        uploads=uploads_for(implementation),
    )
    case = services.case_accept(actor=clerk, case=case)
    for task in case.tasks.exclude(role=Task.Role.DECISION):
        services.task_complete(actor=reviewer, task=task, outcome="agree", opinion="材料齐全，符合法定形式")
    return decide(case, grant=True, result_data=result_data)


def _deliver(case):
    """What the worker does with the case.granted event: run this app's consumer on it."""
    event = Event.objects.get(type="case.granted", payload__case=case.number)
    register_entity(event)
    return event


@pytest.fixture
def founded(monday, citizen, clerk, samr_reviewer):
    """张三 founds a company online (R001) and the market regulator grants its registration."""
    implementation = ItemImplementation.objects.get(code="R001-440105")
    return _granted(
        citizen,
        implementation,
        person=Person.objects.get(user=citizen),
        clerk=clerk,
        reviewer=samr_reviewer,
        form_data=_form(
            implementation, "广州市海珠区新禾餐饮有限公司", "广州市海珠区江南大道中 1 号", person=citizen.person
        ),
        result_data={
            "uscc": NEW_USCC,
            "legal_representative": "张三",
            "business_scope": ["餐饮服务", "卷烟零售", "餐饮服务"],
        },
    )


def test_a_granted_company_registration_creates_the_entity(founded, citizen):
    _deliver(founded)
    entity = Entity.objects.get(uscc=NEW_USCC)
    assert entity.name == "广州市海珠区新禾餐饮有限公司"  # from the form: the decision did not restate it
    assert entity.legal_representative == "张三"
    assert entity.address == "广州市海珠区江南大道中 1 号"
    assert entity.business_scope == ["餐饮服务", "卷烟零售"]
    assert entity.status == Entity.Status.ACTIVE and entity.region == founded.region
    assert entity.agents.filter(pk=citizen.pk).exists()  # the founder now acts for the company
    registered = Event.objects.get(type="entity.registered")
    assert registered.payload["uscc"] == NEW_USCC and registered.payload["case"] == founded.number
    assert EntityChange.objects.get(case=founded).kind == "registered"
    ok, message = audit_verify()
    assert ok, message


def test_the_same_event_delivered_twice_registers_once(founded):
    event = _deliver(founded)
    register_entity(event)
    assert Entity.objects.filter(uscc=NEW_USCC).count() == 1
    assert EntityChange.objects.filter(case=founded).count() == 1
    assert Event.objects.filter(type__startswith="entity.").count() == 1


def test_a_change_registration_updates_the_entity(monday, enterprise_agent, restaurant, clerk, samr_reviewer):
    implementation = ItemImplementation.objects.get(code="R003-440105")
    case = _granted(
        enterprise_agent,
        implementation,
        entity=restaurant,
        clerk=clerk,
        reviewer=samr_reviewer,
        form_data=_form(implementation, restaurant.name, "广州市海珠区新港西路 2 号", entity=restaurant),
        result_data={"address": "广州市海珠区新港西路 2 号", "business_scope": ["餐饮服务", "食品销售"]},
    )
    before = Entity.objects.get(pk=restaurant.pk)
    _deliver(case)
    entity = Entity.objects.get(pk=restaurant.pk)
    assert entity.address == "广州市海珠区新港西路 2 号"
    assert entity.business_scope == ["餐饮服务", "食品销售"]
    assert entity.name == before.name and entity.legal_representative == before.legal_representative
    updated = Event.objects.get(type="entity.updated")
    assert updated.payload["changes"]["address"] == [before.address, "广州市海珠区新港西路 2 号"]
    assert not Event.objects.filter(type="entity.registered").exists()


def test_a_registration_without_a_legal_representative_is_refused(monday, citizen, clerk, samr_reviewer):
    implementation = ItemImplementation.objects.get(code="R001-440105")
    case = _granted(
        citizen,
        implementation,
        person=Person.objects.get(user=citizen),
        clerk=clerk,
        reviewer=samr_reviewer,
        form_data=_form(implementation, "广州市海珠区无名有限公司", "广州市海珠区某路 3 号", person=citizen.person),
        result_data={"uscc": NEW_USCC},  # the decision names the code but not the legal representative
    )
    with pytest.raises(ValidationFailed) as exc:
        entity_register(actor=None, case=case)
    assert "legal_representative" in exc.value.fields
    assert not Entity.objects.filter(uscc=NEW_USCC).exists()


def test_cases_of_other_items_leave_the_register_alone(in_review, samr_reviewer, urban_reviewer):
    for task in in_review.tasks.exclude(role=Task.Role.DECISION).select_related("department"):
        reviewer = urban_reviewer if task.department.kind == "URBAN" else samr_reviewer
        services.task_complete(actor=reviewer, task=task, outcome="agree", opinion="同意")
    case = decide(in_review, grant=True)
    _deliver(case)
    assert not EntityChange.objects.exists()
    with pytest.raises(ValidationFailed):
        entity_register(actor=None, case=case)


def test_the_decision_is_in_the_approval_store(founded, client, health_department, superuser):
    _deliver(founded)
    assert approval_store(actor=superuser).filter(pk=founded.pk).exists()
    # Applied for by the founder as a person, the registration is still the new entity's approval.
    _sharing, client_id, secret = register(health_department, scopes={"approvals": ["case", "item", "granted"]})
    token = fetch_token(client, client_id, secret)
    body = read(client, f"/entities/{NEW_USCC}/approvals", token).json()
    assert body == {"uscc": NEW_USCC, "items": [{"case": founded.number, "item": "R001", "granted": True}]}


def test_through_the_event_queue_once_however_often_it_is_delivered(
    monday, citizen, clerk, samr_reviewer, django_capture_on_commit_callbacks
):
    """The real path: case.granted committed, delivered by the queue to every consumer; then replayed."""
    implementation = ItemImplementation.objects.get(code="R001-440105")
    with django_capture_on_commit_callbacks(execute=True):
        case = _granted(
            citizen,
            implementation,
            person=Person.objects.get(user=citizen),
            clerk=clerk,
            reviewer=samr_reviewer,
            form_data=_form(
                implementation, "广州市海珠区新禾餐饮有限公司", "广州市海珠区江南大道中 1 号", person=citizen.person
            ),
            result_data={"uscc": NEW_USCC, "legal_representative": "张三", "business_scope": ["餐饮服务"]},
        )
    assert Entity.objects.get(uscc=NEW_USCC).business_scope == ["餐饮服务"]
    granted = Event.objects.get(type="case.granted", payload__case=case.number)
    assert deliver_event.call(str(granted.pk)) == 0  # a replay: every consumer already applied it
    assert EntityChange.objects.filter(case=case).count() == 1
    assert Event.objects.filter(type="entity.registered").count() == 1
