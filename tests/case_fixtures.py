"""Fixtures for anything that needs a case: a Monday to start on, the restaurant, its food permit application."""

import datetime as dt

import pytest
import time_machine

from yiwang.accounts.models import Entity, User
from yiwang.cases import services
from yiwang.cases.models import Case
from yiwang.catalog.forms_schema import prefill_values
from yiwang.catalog.models import ItemImplementation
from yiwang.core.storage import store_upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MONDAY = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def monday():
    """Monday 2026-11-23, 10:00 in Guangzhou: a plain working week, no holiday near."""
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def restaurant(db):
    return Entity.objects.get(uscc="91440105MA59ABCD17")


@pytest.fixture
def food_permit(db):
    """食品经营许可（新办） at 海珠区: 市场监管 leads, 城管 countersigns in parallel."""
    return ItemImplementation.objects.get(code="R005-440105")


@pytest.fixture
def urban_reviewer(db):
    return User.objects.get(username="hz-urban-reviewer")


@pytest.fixture
def samr_head(db):
    """海珠区市场监督管理局's administrator, who confirms extensions and suspensions (the organ head)."""
    return User.objects.get(username="hz-samr-admin")


@pytest.fixture
def samr_signer(db):
    """海珠区市场监督管理局's 负责人: signs its decisions (审批) on the reviewer's proposal."""
    return User.objects.get(username="hz-samr-head")


def form_for(implementation, person=None, entity=None) -> dict:
    """The item's own 样表 filled in for this applicant: every prefilled field holds what the register says, so
    the form is what the applying page would submit for them."""
    version = implementation.item.current_version
    prefill = prefill_values(person=person, entity=entity)
    form = dict(version.form_example)
    for name, prop in version.form_schema.get("properties", {}).items():
        if prop.get("x-prefill") in prefill:
            form[name] = prefill[prop["x-prefill"]]
    return form


def food_form(entity):
    """食品经营许可 at 海珠区, applied for by this entity."""
    return form_for(ItemImplementation.objects.get(code="R005-440105"), entity=entity)


def uploads_for(implementation, *, skip: set[str] = frozenset()):
    version = implementation.item.current_version
    return {
        spec.pk: (store_upload(data=PDF + spec.name.encode(), field="materials"), f"{spec.name}.pdf")
        for spec in version.materials.all()
        if spec.source == "applicant" and spec.name not in skip
    }


def submit_as_entity(actor, entity, implementation, key: str, **options):
    """An online application for the entity, every applicant material uploaded, under an Idempotency-Key;
    `options` go to case_submit as they are (delivery, channel, …)."""
    return services.case_submit(
        actor=actor,
        implementation=implementation,
        entity=entity,
        form_data=form_for(implementation, entity=entity),
        uploads=uploads_for(implementation),
        idempotency_key=key,
        **options,
    )


@pytest.fixture
def submitted(monday, enterprise_agent, restaurant, food_permit):
    return submit_as_entity(enterprise_agent, restaurant, food_permit, "k-1")


@pytest.fixture
def in_review(submitted, clerk):
    return services.case_accept(actor=clerk, case=submitted)


def decide(case, *, grant: bool = True, reasons: str = "", result_data: dict | None = None):
    """审核 then 审批 as the lead department's own people: its reviewer proposes (unless a proposal stands) and
    its 负责人 signs; a 即办 or 单人审批 item is decided by the reviewer alone."""
    case = Case.objects.select_related("department", "version").get(pk=case.pk)
    kind = case.department.kind.lower()
    reviewer = User.objects.get(username=f"hz-{kind}-reviewer")
    actor = reviewer
    if case.version.needs_head:
        if case.proposed_at is None:
            services.case_propose(actor=reviewer, case=case, grant=grant, reasons=reasons or "符合法定条件，拟准予许可")
        actor = User.objects.get(username=f"hz-{kind}-head")
    return services.case_decide(actor=actor, case=case, grant=grant, reasons=reasons, result_data=result_data)
